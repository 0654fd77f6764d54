package dev.cirrus.node.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.cirrus.node.host.Command;
import dev.cirrus.node.host.CommandResult;
import dev.cirrus.node.host.HostCommands;
import dev.cirrus.node.host.ProcessHostCommands;

/**
 * The OVS backend on the real tools (userspace datapath). Two "nodes" (namespaces cov-n1, cov-n2),
 * each with its own Open vSwitch instance (hack/node-ovs.sh) and the underlay veth in a netdev
 * bridge; two tenants with the same CIDR 10.20.0.0/24: tenant a over Geneve (VNI 5001), tenant b
 * over VXLAN (VNI 5002). One "VM" per tenant per node: a namespace whose veth's node end carries
 * the derived tap name, with tx checksum offload off as a VM's NIC has it on this datapath.
 * Address plan (a1 and b1 share an address on purpose): a1 10.20.0.11 (n1), a2 10.20.0.12 (n2),
 * b1 10.20.0.11 (n1), b2 10.20.0.22 (n2); t1 (n1) is a tap nobody opened.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OvsNetworkDataplaneIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String N1 = "cov-n1";
    private static final String N2 = "cov-n2";
    private static final Path OVS_DIRS = Path.of("/var/tmp/cirrus-it");
    private static final Duration PING = Duration.ofSeconds(10);
    private static final String BRIDGE = OvsSettings.INTEGRATION_BRIDGE;

    private final HostCommands host = new ProcessHostCommands();
    private final NodeOvs ovs1 = new NodeOvs(host, N1, OVS_DIRS.resolve(N1));
    private final NodeOvs ovs2 = new NodeOvs(host, N2, OVS_DIRS.resolve(N2));
    private Path work;
    private Path udhcpcScript;
    private OvsNetworkDataplane plane1;
    private OvsNetworkDataplane plane2;

    private final PortDesired a1 = port("tenant-a", "a1", "02:aa:00:00:00:11", "10.20.0.11");
    private final PortDesired t1 = port("tenant-a", "t1", "02:aa:00:00:00:99", "10.20.0.99");
    private final PortDesired a2 = port("tenant-a", "a2", "02:aa:00:00:00:12", "10.20.0.12");
    private final PortDesired b1 = port("tenant-b", "b1", "02:bb:00:00:00:11", "10.20.0.11");
    private final PortDesired b2 = port("tenant-b", "b2", "02:bb:00:00:00:22", "10.20.0.22");

    @BeforeAll
    void createNodes() throws IOException {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root: creates network namespaces");
        assumeTrue(host.attempt(Command.of("ovs-vsctl", "--version")).ok(), "needs Open vSwitch (hack/install-deps.sh)");
        cleanUp();
        work = Files.createTempDirectory("cirrus-ovs-it");
        udhcpcScript = work.resolve("udhcpc.sh");
        // busybox ships no udhcpc script: this one applies address, MTU (option 26) and default route.
        Files.writeString(udhcpcScript, """
                #!/bin/sh
                case "$1" in
                  bound|renew)
                    ip addr flush dev "$interface"
                    ip addr add "$ip/$mask" dev "$interface"
                    [ -n "$mtu" ] && ip link set dev "$interface" mtu "$mtu"
                    [ -n "$router" ] && ip route replace default via "${router%% *}" dev "$interface"
                    echo "ip=$ip mask=$mask router=$router dns=$dns domain=$domain mtu=$mtu hostname=$hostname" \\
                      > "%s/lease-$(ip netns identify)"
                    ;;
                esac
                exit 0
                """.formatted(work));
        Files.setPosixFilePermissions(udhcpcScript, PosixFilePermissions.fromString("rwx------"));
        for (String node : List.of(N1, N2)) {
            host.run("ip", "netns", "add", node);
            host.run(Command.of("ip", "link", "set", "lo", "up").inNetns(node));
        }
        host.run(Command.of("ip", "link", "add", "cov-u1", "type", "veth", "peer", "name", "cov-u2", "netns", N2).inNetns(N1));
        ovs1.start();
        ovs2.start();
        ovs1.underlay("cov-u1", "10.99.0.1/24");
        ovs2.underlay("cov-u2", "10.99.0.2/24");
        vm("cov-vm-a1", N1, a1);
        vm("cov-vm-a2", N2, a2);
        vm("cov-vm-b1", N1, b1);
        vm("cov-vm-b2", N2, b2);
        plane1 = new OvsNetworkDataplane(host, work.resolve("state-n1"), ovs1.settings());
        plane2 = new OvsNetworkDataplane(host, work.resolve("state-n2"), ovs2.settings());
    }

    @AfterAll
    void cleanUp() throws IOException {
        // dnsmasq pins its namespace: stop it first, then OVS, then delete every namespace this test made.
        if (work != null) {
            try (Stream<Path> files = Files.walk(work)) {
                for (Path pid : files.filter(p -> p.toString().endsWith(".pid")).toList()) {
                    host.attempt(Command.of("kill", Files.readString(pid).strip()));
                }
            }
        }
        ovs1.stop();
        ovs2.stop();
        for (String ns : namespaces()) {
            if (ns.startsWith("cov-") || ns.startsWith("cirrus-r-covn1-") || ns.startsWith("cirrus-r-covn2-")) {
                host.attempt(Command.of("ip", "netns", "delete", ns));
            }
        }
        for (Path dir : List.of(OVS_DIRS.resolve(N1), OVS_DIRS.resolve(N2))) {
            deleteTree(dir);
        }
        if (work != null) {
            deleteTree(work);
        }
    }

    @Test
    @Order(1)
    void programsBothNodesWithGeneveAndVxlan() {
        NodeNetworkReport r1 = plane1.apply(node1());
        NodeNetworkReport r2 = plane2.apply(node2());

        assertThat(r1.failures()).isEmpty();
        assertThat(r2.failures()).isEmpty();
        assertThat(r1.networks()).extracting(NetworkReport::name, NetworkReport::ready)
                .containsExactly(tuple("a", true), tuple("b", true));
        assertThat(r2.networks()).allMatch(NetworkReport::ready);
        assertThat(r1.ports()).allMatch(PortReport::ready);
        assertThat(r1.ports()).filteredOn(p -> p.vmUid().equals(a1.vmUid())).singleElement()
                .satisfies(p -> assertThat(p.linkState()).isEqualTo("up"));
        assertThat(r1.ports()).filteredOn(p -> p.vmUid().equals(t1.vmUid())).singleElement()
                .satisfies(p -> assertThat(p.linkState()).isEqualTo("down"));
        assertThat(r1.repairs()).isEmpty();

        OvsDb db = db(ovs1);
        assertThat(db.bridges().get(BRIDGE).datapathType()).isEqualTo("netdev");
        assertThat(db.interfaces().values()).allMatch(OvsDb.Interface::healthy);
        String tunnelA = InterfaceNames.tunnel("tenant-a", "a", "10.99.0.2");
        String tunnelB = InterfaceNames.tunnel("tenant-b", "b", "10.99.0.2");
        assertThat(db.interfaces().get(tunnelA).type()).isEqualTo("geneve");
        assertThat(db.interfaces().get(tunnelA).options()).containsEntry("key", "5001").containsEntry("remote_ip", "10.99.0.2");
        assertThat(db.interfaces().get(tunnelB).type()).isEqualTo("vxlan");
        assertThat(db.ports().get(tunnelA).isProtected()).isTrue();
        int tagA = db.ports().get(tunnelA).tag().getAsInt();
        int tagB = db.ports().get(tunnelB).tag().getAsInt();
        assertThat(tagA).isNotEqualTo(tagB);
        String tapA1 = InterfaceNames.tap(a1.vmUid(), "eth0");
        assertThat(db.ports().get(tapA1).tag().getAsInt()).isEqualTo(tagA);
        assertThat(db.ports().get(tapA1).externalIds()).containsEntry(OvsPortSpec.VM, a1.vmUid())
                .containsEntry(OvsPortSpec.NETWORK, "tenant-a/a");
        assertThat(db.ports().get(InterfaceNames.routerOutside("tenant-b", "b")).tag().getAsInt()).isEqualTo(tagB);
    }

    @Test
    @Order(2)
    void dhcpHandsOutTheReservedAddresses() throws IOException {
        for (String vm : List.of("cov-vm-a1", "cov-vm-a2", "cov-vm-b1", "cov-vm-b2")) {
            host.run(Command.of("busybox", "udhcpc", "-i", "eth0", "-n", "-q", "-f", "-t", "5", "-T", "2",
                    "-s", udhcpcScript.toString()).inNetns(vm).withTimeout(Duration.ofSeconds(30)));
        }
        assertThat(address("cov-vm-a1")).isEqualTo("10.20.0.11/24");
        assertThat(address("cov-vm-a2")).isEqualTo("10.20.0.12/24");
        assertThat(address("cov-vm-b1")).isEqualTo("10.20.0.11/24");
        assertThat(address("cov-vm-b2")).isEqualTo("10.20.0.22/24");
        assertThat(Files.readString(work.resolve("lease-cov-vm-a1")))
                .contains("router=10.20.0.1", "dns=10.20.0.1", "domain=tenant-a.cirrus.internal", "mtu=1450");
        assertThat(links("cov-vm-a1").get("eth0").path("mtu").asInt()).isEqualTo(1450);
    }

    @Test
    @Order(3)
    void sameTenantTalksAcrossTheTunnelsAndTenantsAreIsolated() throws Exception {
        assertThat(ping("cov-vm-a1", "10.20.0.12")).as("a1 → a2 over geneve").isTrue();
        assertThat(ping("cov-vm-b1", "10.20.0.22")).as("b1 → b2 over vxlan").isTrue();
        assertThat(ping("cov-vm-b1", "10.20.0.12")).as("b1 → a2's address").isFalse();
        assertThat(ping("cov-vm-a1", "10.20.0.22")).as("a1 → b2").isFalse();
        assertThat(tcp("cov-vm-a2", "cov-vm-a1", "10.20.0.12", "hello over geneve\n")).isEqualTo("hello over geneve\n");
        assertThat(tcp("cov-vm-b2", "cov-vm-b1", "10.20.0.22", "hello over vxlan\n")).isEqualTo("hello over vxlan\n");
        // 1422 bytes of payload = a 1450-byte packet: the largest that fits, unfragmented, in a 1500 underlay
        assertThat(host.attempt(Command.of("busybox", "ping", "-c", "1", "-W", "3", "-s", "1422", "10.20.0.12")
                .inNetns("cov-vm-a1").withTimeout(PING)).ok()).isTrue();
    }

    @Test
    @Order(4)
    void theGatewayAnswersOnEveryNodeAndStaysLocal() {
        for (String vm : List.of("cov-vm-a1", "cov-vm-a2", "cov-vm-b1", "cov-vm-b2")) {
            assertThat(ping(vm, "10.20.0.1")).as("gateway from %s", vm).isTrue();
        }
        assertThat(neighbour("cov-vm-a1", "10.20.0.1")).isEqualTo(NetworkLayout.gatewayMac(5001));
        assertThat(neighbour("cov-vm-b1", "10.20.0.1")).isEqualTo(NetworkLayout.gatewayMac(5002));
        // Each node learned each gateway MAC on its own router port only, never behind a tunnel.
        for (NodeOvs ovs : List.of(ovs1, ovs2)) {
            OvsDb db = db(ovs);
            for (String tenant : List.of("a", "b")) {
                String mac = NetworkLayout.gatewayMac("a".equals(tenant) ? 5001 : 5002);
                int router = db.interfaces().get(InterfaceNames.routerOutside("tenant-" + tenant, tenant)).ofport().getAsInt();
                assertThat(learnedPorts(ovs, mac)).as("ports where the gateway of %s was learned", tenant)
                        .containsOnly(router);
            }
        }
    }

    @Test
    @Order(5)
    void aRestartedDaemonChangesNothing() throws IOException {
        Map<String, Integer> ofports = ofports(ovs1);
        Map<String, Integer> ifindexes = ifindexes(N1);
        Map<String, String> uuids = portUuids(ovs1);
        String pid = dnsmasqPid("state-n1", "covn1", "tenant-a");
        Map<String, String> flows = Map.of("n1", ovs1.ofctl("dump-flows", "--no-stats").stdout());

        OvsNetworkDataplane restarted = new OvsNetworkDataplane(host, work.resolve("state-n1"), ovs1.settings());
        NodeNetworkReport again = restarted.apply(node1());

        assertThat(again.actions()).isEmpty();
        assertThat(again.repairs()).isEmpty();
        assertThat(again.networks()).allMatch(NetworkReport::ready);
        assertThat(new OvsNetworkDataplane(host, work.resolve("state-n2"), ovs2.settings()).apply(node2()).actions())
                .isEmpty();
        assertThat(ofports(ovs1)).isEqualTo(ofports);
        assertThat(portUuids(ovs1)).isEqualTo(uuids);
        assertThat(ifindexes(N1)).isEqualTo(ifindexes);
        assertThat(dnsmasqPid("state-n1", "covn1", "tenant-a")).isEqualTo(pid);
        assertThat(Map.of("n1", ovs1.ofctl("dump-flows", "--no-stats").stdout())).isEqualTo(flows);
    }

    @Test
    @Order(6)
    void portsTunnelsTapsAndDnsmasqRemovedByHandAreRepaired() throws IOException {
        String tunnelA = InterfaceNames.tunnel("tenant-a", "a", "10.99.0.2");
        String tapA1 = InterfaceNames.tap(a1.vmUid(), "eth0");
        String tapT1 = InterfaceNames.tap(t1.vmUid(), "eth0");
        ovs1.vsctl("del-port", BRIDGE, tunnelA);
        ovs1.vsctl("del-port", BRIDGE, tapA1);
        host.run(Command.of("ip", "link", "delete", tapT1).inNetns(N1));
        ovs1.vsctl("set", "Port", InterfaceNames.tunnel("tenant-b", "b", "10.99.0.2"), "tag=4000");
        String oldPid = dnsmasqPid("state-n1", "covn1", "tenant-a");
        host.run("kill", oldPid);
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> !Files.exists(Path.of("/proc", oldPid)));
        assertThat(ping("cov-vm-a1", "10.20.0.12")).isFalse();

        NodeNetworkReport repaired = plane1.apply(node1());

        assertThat(repaired.failures()).isEmpty();
        assertThat(repaired.repairs()).contains(
                "re-added port " + tunnelA + " on " + BRIDGE + " (was missing)",
                "re-added port " + tapA1 + " on " + BRIDGE + " (was missing)",
                "re-created tap " + tapT1 + " (was missing)",
                "re-configured port " + InterfaceNames.tunnel("tenant-b", "b", "10.99.0.2") + " on " + BRIDGE
                        + " (was changed)",
                "restarted dnsmasq for tenant-a/a (was not running)");
        assertThat(repaired.networks()).allMatch(NetworkReport::ready);
        assertThat(dnsmasqPid("state-n1", "covn1", "tenant-a")).isNotEqualTo(oldPid);
        assertConnectivity();
        assertThat(plane1.apply(node1()).actions()).isEmpty();
        // Flows alone changed by hand (while ports come or go, the table changes by design: no repair).
        ovs1.ofctl("del-flows", "--strict", "priority=0");
        ovs1.ofctl("del-flows", "cookie=" + OvsFlows.PORT_COOKIE + "/-1");
        assertThat(plane1.apply(node1()).repairs()).containsExactly("re-installed flows on " + BRIDGE
                + " (were missing or changed)");
        assertConnectivity();
    }

    @Test
    @Order(7)
    void aFlowTableWipedByHandIsReinstalled() {
        ovs1.ofctl("del-flows");
        assertThat(ping("cov-vm-a1", "10.20.0.12")).isFalse();

        NodeNetworkReport repaired = plane1.apply(node1());

        assertThat(repaired.repairs()).containsExactly("re-installed flows on " + BRIDGE + " (were missing or changed)");
        assertConnectivity();
    }

    @Test
    @Order(8)
    void aDeletedBridgeIsRebuilt() {
        ovs1.vsctl("del-br", BRIDGE);
        assertThat(ping("cov-vm-a1", "10.20.0.12")).isFalse();

        NodeNetworkReport repaired = plane1.apply(node1());

        assertThat(repaired.failures()).isEmpty();
        assertThat(repaired.repairs()).contains("re-created bridge " + BRIDGE + " (was missing)",
                "re-added port " + InterfaceNames.tunnel("tenant-a", "a", "10.99.0.2") + " on " + BRIDGE + " (was missing)");
        assertThat(repaired.networks()).allMatch(NetworkReport::ready);
        assertThat(db(ovs1).interfaces().values()).allMatch(OvsDb.Interface::healthy);
        assertConnectivity();
        assertThat(plane1.apply(node1()).actions()).isEmpty();
    }

    @Test
    @Order(9)
    void aRemovedPortAndNetworkAreCollectedButForeignPortsStay() {
        ovs1.vsctl("--may-exist", "add-port", BRIDGE, "covforeign", "--", "set", "Interface", "covforeign",
                "type=internal");
        NodeNetworkDesired withoutB = new NodeNetworkDesired("covn1", Optional.of(N1), "10.99.0.1", 1500,
                List.of(network("a", 5001, "geneve", List.of(a1))));
        NodeNetworkReport report = plane1.apply(withoutB);

        assertThat(report.failures()).isEmpty();
        assertThat(report.networks()).allMatch(NetworkReport::ready);
        assertThat(db(ovs1).portsOf(BRIDGE)).contains("covforeign", InterfaceNames.tap(a1.vmUid(), "eth0"))
                .doesNotContain(InterfaceNames.tunnel("tenant-b", "b", "10.99.0.2"),
                        InterfaceNames.tap(b1.vmUid(), "eth0"), InterfaceNames.tap(t1.vmUid(), "eth0"),
                        InterfaceNames.routerOutside("tenant-b", "b"));
        assertThat(links(N1)).doesNotContainKeys(InterfaceNames.tap(t1.vmUid(), "eth0"),
                InterfaceNames.routerOutside("tenant-b", "b"));
        assertThat(namespaces()).doesNotContain(InterfaceNames.routerNamespace("covn1", "tenant-b", "b"));
        assertThat(ping("cov-vm-a1", "10.20.0.12")).isTrue();
        assertThat(plane1.apply(withoutB).actions()).isEmpty();
    }

    private void assertConnectivity() {
        assertThat(ping("cov-vm-a1", "10.20.0.12")).as("a1 → a2").isTrue();
        assertThat(ping("cov-vm-b1", "10.20.0.22")).as("b1 → b2").isTrue();
        assertThat(ping("cov-vm-b1", "10.20.0.12")).as("b1 → a2's address").isFalse();
        assertThat(ping("cov-vm-a1", "10.20.0.1")).as("a1 → gateway").isTrue();
    }

    // ---- topology -------------------------------------------------------------------------------

    private NodeNetworkDesired node1() {
        return new NodeNetworkDesired("covn1", Optional.of(N1), "10.99.0.1", 1500,
                List.of(network("a", 5001, "geneve", List.of(a1, t1)), network("b", 5002, "vxlan", List.of(b1))));
    }

    private NodeNetworkDesired node2() {
        return new NodeNetworkDesired("covn2", Optional.of(N2), "10.99.0.2", 1500,
                List.of(network("a", 5001, "geneve", List.of(a2)), network("b", 5002, "vxlan", List.of(b2))));
    }

    private static NetworkDesired network(String tenant, long vni, String encapsulation, List<PortDesired> ports) {
        return new NetworkDesired("tenant-" + tenant, tenant, vni, "10.20.0.0/24", "10.20.0.1", Optional.empty(), true,
                Optional.empty(), Optional.empty(), List.of(), Optional.of("tenant-" + tenant + ".cirrus.internal"),
                encapsulation, List.of("10.99.0.1", "10.99.0.2"), ports);
    }

    private static PortDesired port(String namespace, String vm, String mac, String ip) {
        return new PortDesired(namespace, vm, "uid-" + vm, "eth0", mac, ip, vm);
    }

    /**
     * A "VM": a namespace whose eth0 has the port's MAC; its peer sits in the node with the derived
     * tap name. tx checksum offload off, as a VM's NIC on the userspace datapath has it (libvirt driver).
     */
    private void vm(String netns, String node, PortDesired port) {
        host.run("ip", "netns", "add", netns);
        host.run(Command.of("ip", "link", "add", InterfaceNames.tap(port.vmUid(), port.interfaceName()), "type", "veth",
                "peer", "name", "eth0", "netns", netns).inNetns(node));
        host.run(Command.of("ip", "link", "set", "eth0", "address", port.mac(), "up").inNetns(netns));
        host.run(Command.of("ethtool", "-K", "eth0", "tx", "off").inNetns(netns));
        host.run(Command.of("ip", "link", "set", "lo", "up").inNetns(netns));
    }

    // ---- probes ---------------------------------------------------------------------------------

    private boolean ping(String fromNetns, String ip) {
        return host.attempt(Command.of("busybox", "ping", "-c", "2", "-W", "3", ip).inNetns(fromNetns)
                .withTimeout(PING)).ok();
    }

    private String tcp(String serverNetns, String clientNetns, String serverIp, String message) throws Exception {
        CompletableFuture<CommandResult> server = CompletableFuture.supplyAsync(() -> host.run(
                Command.of("busybox", "nc", "-l", "-p", "5000").inNetns(serverNetns).withTimeout(Duration.ofSeconds(20))));
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> host.run(
                Command.of("ss", "-ltn").inNetns(serverNetns)).stdout().contains(":5000"));
        host.run(Command.of("busybox", "nc", "-w", "5", serverIp, "5000").inNetns(clientNetns)
                .withStdin(message).withTimeout(Duration.ofSeconds(15)));
        return server.get().stdout();
    }

    private static OvsDb db(NodeOvs ovs) {
        return OvsDbParser.parse(ovs.vsctl("--format=json",
                "--", "--columns=" + OvsDbParser.BRIDGE_COLUMNS, "list", "Bridge",
                "--", "--columns=" + OvsDbParser.PORT_COLUMNS, "list", "Port",
                "--", "--columns=" + OvsDbParser.INTERFACE_COLUMNS, "list", "Interface").stdout());
    }

    private static Map<String, Integer> ofports(NodeOvs ovs) {
        Map<String, Integer> out = new HashMap<>();
        db(ovs).interfaces().forEach((name, i) -> out.put(name, i.ofport().orElse(-1)));
        return out;
    }

    private static Map<String, String> portUuids(NodeOvs ovs) {
        Map<String, String> out = new HashMap<>();
        db(ovs).ports().forEach((name, p) -> out.put(name, p.uuid()));
        return out;
    }

    /** The OpenFlow ports behind which the bridge learned {@code mac} (fdb/show: port VLAN MAC Age). */
    private static List<Integer> learnedPorts(NodeOvs ovs, String mac) {
        List<Integer> ports = new ArrayList<>();
        for (String line : ovs.appctl("fdb/show", BRIDGE).stdout().lines().skip(1).toList()) {
            String[] f = line.strip().split("\\s+");
            if (f.length >= 3 && f[2].equalsIgnoreCase(mac)) {
                ports.add(Integer.parseInt(f[0]));
            }
        }
        return ports;
    }

    private String address(String netns) {
        JsonNode addrs = json(host.run(Command.of("ip", "-json", "-4", "addr", "show", "dev", "eth0").inNetns(netns)).stdout());
        JsonNode a = addrs.get(0).path("addr_info").get(0);
        return a.path("local").asText() + "/" + a.path("prefixlen").asInt();
    }

    private String neighbour(String netns, String ip) {
        JsonNode neigh = json(host.run(Command.of("ip", "-json", "neigh", "show", ip).inNetns(netns)).stdout());
        return neigh.get(0).path("lladdr").asText();
    }

    private Map<String, JsonNode> links(String netns) {
        Map<String, JsonNode> links = new HashMap<>();
        json(host.run(Command.of("ip", "-json", "link", "show").inNetns(netns)).stdout())
                .forEach(l -> links.put(l.path("ifname").asText(), l));
        return links;
    }

    private Map<String, Integer> ifindexes(String netns) {
        Map<String, Integer> indexes = new HashMap<>();
        links(netns).forEach((name, l) -> indexes.put(name, l.path("ifindex").asInt()));
        return indexes;
    }

    private String dnsmasqPid(String stateDir, String node, String tenant) throws IOException {
        String ns = InterfaceNames.routerNamespace(node, tenant, tenant.substring("tenant-".length()));
        return Files.readString(work.resolve(stateDir).resolve("dnsmasq").resolve(ns + ".pid")).strip();
    }

    private List<String> namespaces() {
        List<String> names = new ArrayList<>();
        json(host.run("ip", "-json", "netns", "list").stdout()).forEach(n -> names.add(n.path("name").asText()));
        return names;
    }

    private static void deleteTree(Path root) throws IOException {
        if (Files.exists(root)) {
            try (Stream<Path> files = Files.walk(root)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static JsonNode json(String text) {
        try {
            return text.isBlank() ? JSON.createArrayNode() : JSON.readTree(text);
        } catch (IOException e) {
            throw new IllegalStateException(text, e);
        }
    }
}
