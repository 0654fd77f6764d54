package dev.cirrus.node.network;

import static org.assertj.core.api.Assertions.assertThat;
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
 * The Linux backend on the real tools. Two "nodes" (namespaces cit-n1, cit-n2) joined by a veth
 * underlay; two tenants with the same CIDR 10.20.0.0/24 (VNI 5001 and 5002); one "VM" per tenant
 * per node: a namespace whose veth's node end carries the tap name the dataplane derives, exactly
 * where a VM's tap would be. Address plan (a1 and b1 share an address on purpose):
 * a1 10.20.0.11 (n1), a2 10.20.0.12 (n2), b1 10.20.0.11 (n1), b2 10.20.0.22 (n2).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LinuxNetworkDataplaneIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String N1 = "cit-n1";
    private static final String N2 = "cit-n2";
    private static final Duration PING = Duration.ofSeconds(10);

    private final HostCommands host = new ProcessHostCommands();
    private Path work;
    private Path udhcpcScript;
    private LinuxNetworkDataplane plane1;
    private LinuxNetworkDataplane plane2;

    private final PortDesired a1 = port("tenant-a", "a1", "02:aa:00:00:00:11", "10.20.0.11");
    private final PortDesired t1 = port("tenant-a", "t1", "02:aa:00:00:00:99", "10.20.0.99");
    private final PortDesired a2 = port("tenant-a", "a2", "02:aa:00:00:00:12", "10.20.0.12");
    private final PortDesired b1 = port("tenant-b", "b1", "02:bb:00:00:00:11", "10.20.0.11");
    private final PortDesired b2 = port("tenant-b", "b2", "02:bb:00:00:00:22", "10.20.0.22");

    @BeforeAll
    void createUnderlay() throws IOException {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root: creates network namespaces");
        cleanUp();
        work = Files.createTempDirectory("cirrus-network-it");
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
        host.run(Command.of("ip", "link", "add", "cit-u1", "type", "veth", "peer", "name", "cit-u2", "netns", N2).inNetns(N1));
        host.run(Command.of("ip", "addr", "add", "10.99.0.1/24", "dev", "cit-u1").inNetns(N1));
        host.run(Command.of("ip", "addr", "add", "10.99.0.2/24", "dev", "cit-u2").inNetns(N2));
        host.run(Command.of("ip", "link", "set", "cit-u1", "up").inNetns(N1));
        host.run(Command.of("ip", "link", "set", "cit-u2", "up").inNetns(N2));
        vm("cit-vm-a1", N1, a1);
        vm("cit-vm-a2", N2, a2);
        vm("cit-vm-b1", N1, b1);
        vm("cit-vm-b2", N2, b2);
        plane1 = new LinuxNetworkDataplane(host, work.resolve("state-n1"));
        plane2 = new LinuxNetworkDataplane(host, work.resolve("state-n2"));
    }

    @AfterAll
    void cleanUp() throws IOException {
        // dnsmasq pins its namespace: stop it first, then delete every namespace this test made.
        if (work != null) {
            try (Stream<Path> files = Files.walk(work)) {
                for (Path pid : files.filter(p -> p.toString().endsWith(".pid")).toList()) {
                    String text = Files.readString(pid).strip();
                    host.attempt(Command.of("kill", text));
                }
            }
        }
        for (String ns : namespaces()) {
            if (ns.startsWith("cit-") || ns.startsWith("cirrus-r-citn1-") || ns.startsWith("cirrus-r-citn2-")) {
                host.attempt(Command.of("ip", "netns", "delete", ns));
            }
        }
        if (work != null) {
            try (Stream<Path> files = Files.walk(work)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    @Order(1)
    void programsBothNodesAndReportsGeneveAsUnavailable() {
        NodeNetworkReport r1 = plane1.apply(node1());
        NodeNetworkReport r2 = plane2.apply(node2());

        assertThat(r1.networks()).extracting(NetworkReport::name, NetworkReport::ready)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("a", true),
                        org.assertj.core.groups.Tuple.tuple("b", true), org.assertj.core.groups.Tuple.tuple("c", false));
        assertThat(r1.networks().get(2).message()).isEqualTo(NetworkPlanner.GENEVE_UNAVAILABLE);
        assertThat(r2.networks()).allMatch(NetworkReport::ready);
        assertThat(r1.ports()).filteredOn(p -> !p.vmUid().startsWith("uid-c")).allMatch(PortReport::ready);
        assertThat(r1.ports()).filteredOn(p -> p.vmUid().equals(a1.vmUid())).singleElement()
                .satisfies(p -> assertThat(p.linkState()).isEqualTo("up"));
        assertThat(r1.ports()).filteredOn(p -> p.vmUid().equals(t1.vmUid())).singleElement()
                .satisfies(p -> assertThat(p.linkState()).isEqualTo("down")); // a tap nobody opened yet
        assertThat(r1.ports()).filteredOn(p -> p.vmUid().startsWith("uid-c")).singleElement()
                .satisfies(p -> assertThat(p.ready()).isFalse());
        assertThat(r1.repairs()).isEmpty();
        assertThat(r1.failures()).isEmpty();
        assertThat(r2.failures()).isEmpty();
        // Nothing of the geneve network exists on the node.
        assertThat(links(N1)).doesNotContainKey(InterfaceNames.bridge("tenant-c", "c"));
    }

    @Test
    @Order(2)
    void dhcpHandsOutTheReservedAddresses() throws IOException {
        for (String vm : List.of("cit-vm-a1", "cit-vm-a2", "cit-vm-b1", "cit-vm-b2")) {
            host.run(Command.of("busybox", "udhcpc", "-i", "eth0", "-n", "-q", "-f", "-t", "5", "-T", "1",
                    "-s", udhcpcScript.toString()).inNetns(vm).withTimeout(Duration.ofSeconds(20)));
        }
        assertThat(address("cit-vm-a1")).isEqualTo("10.20.0.11/24");
        assertThat(address("cit-vm-a2")).isEqualTo("10.20.0.12/24");
        assertThat(address("cit-vm-b1")).isEqualTo("10.20.0.11/24");
        assertThat(address("cit-vm-b2")).isEqualTo("10.20.0.22/24");
        assertThat(Files.readString(work.resolve("lease-cit-vm-a1")))
                .contains("router=10.20.0.1", "dns=10.20.0.1", "domain=tenant-a.cirrus.internal", "mtu=1450");
        assertThat(links("cit-vm-a1").get("eth0").path("mtu").asInt()).isEqualTo(1450);
    }

    @Test
    @Order(3)
    void sameTenantTalksAcrossTheTunnelAndTenantsAreIsolated() throws Exception {
        assertThat(ping("cit-vm-a1", "10.20.0.12")).as("a1 → a2 across the tunnel").isTrue();
        assertThat(ping("cit-vm-b1", "10.20.0.22")).as("b1 → b2 across the tunnel").isTrue();
        // b1 has a1's address and asks for a2's: tenant b has nobody there, and a2 (alive, see above) must not answer.
        assertThat(ping("cit-vm-b1", "10.20.0.12")).as("b1 → a2's address").isFalse();
        assertThat(ping("cit-vm-a1", "10.20.0.22")).as("a1 → b2").isFalse();
        assertThat(tcp("cit-vm-a2", "cit-vm-a1", "10.20.0.12")).isEqualTo("hello over vxlan\n");
        assertThat(tcp("cit-vm-b2", "cit-vm-b1", "10.20.0.22")).isEqualTo("hello over vxlan\n");
        assertThat(tcpFromOtherTenantFails()).as("b1 → a2:5000 while a2 listens").isTrue();
        // a 1400-byte payload fits the 1450 MTU without fragmentation across a 1500 underlay
        assertThat(host.attempt(Command.of("busybox", "ping", "-c", "1", "-W", "2", "-s", "1400", "10.20.0.12")
                .inNetns("cit-vm-a1")).ok()).isTrue();
    }

    @Test
    @Order(4)
    void theGatewayAnswersOnEveryNodeAndStaysLocal() {
        for (String vm : List.of("cit-vm-a1", "cit-vm-a2", "cit-vm-b1", "cit-vm-b2")) {
            assertThat(ping(vm, "10.20.0.1")).as("gateway from %s", vm).isTrue();
        }
        String gwA = NetworkLayout.gatewayMac(5001);
        assertThat(neighbour("cit-vm-a1", "10.20.0.1")).isEqualTo(gwA);
        assertThat(neighbour("cit-vm-b1", "10.20.0.1")).isEqualTo(NetworkLayout.gatewayMac(5002));
        // Each bridge learned the gateway MAC on its local router port only, never on the VXLAN port.
        for (String node : List.of(N1, N2)) {
            JsonNode fdb = json(host.run(Command.of("bridge", "-json", "fdb", "show", "br",
                    InterfaceNames.bridge("tenant-a", "a")).inNetns(node)).stdout());
            List<String> ports = new ArrayList<>();
            fdb.forEach(e -> {
                if (gwA.equals(e.path("mac").asText())) {
                    ports.add(e.path("ifname").asText());
                }
            });
            assertThat(ports).as("ports where %s learned %s", node, gwA)
                    .containsOnly(InterfaceNames.routerOutside("tenant-a", "a"));
        }
    }

    @Test
    @Order(5)
    void dnsNamesEveryVmOfTheTenantOnEveryNode() {
        // a1 (n1) resolves a2 (on n2) through its own node's gateway, by short and qualified name.
        assertThat(nslookup("cit-vm-a1", "a2")).contains("10.20.0.12");
        assertThat(nslookup("cit-vm-a1", "a2.tenant-a.cirrus.internal")).contains("10.20.0.12");
        assertThat(nslookup("cit-vm-a2", "a1")).contains("10.20.0.11");
        assertThat(nslookup("cit-vm-b2", "b1")).contains("10.20.0.11");
        // Tenant b's dnsmasq knows nothing of tenant a.
        assertThat(nslookup("cit-vm-b1", "a2")).doesNotContain("10.20.0.12");
    }

    @Test
    @Order(6)
    void aSecondApplyAndARestartedDaemonChangeNothing() throws IOException {
        Map<String, Integer> ifindexes = ifindexes(N1);
        Map<String, Integer> routerIfindexes = ifindexes(InterfaceNames.routerNamespace("citn1", "tenant-a", "a"));
        String pid = dnsmasqPid("state-n1", "tenant-a");
        Path leases = work.resolve("state-n1").resolve("dnsmasq")
                .resolve(InterfaceNames.routerNamespace("citn1", "tenant-a", "a") + ".leases");
        assertThat(Files.readString(leases)).contains(a1.mac());
        NodeNetworkReport again = plane1.apply(node1());
        assertThat(again.actions()).isEmpty();
        assertThat(again.repairs()).isEmpty();
        assertThat(plane2.apply(node2()).actions()).isEmpty();

        // A restarted daemon: new instances, same state directories, same desired state.
        plane1 = new LinuxNetworkDataplane(host, work.resolve("state-n1"));
        plane2 = new LinuxNetworkDataplane(host, work.resolve("state-n2"));
        NodeNetworkReport restarted = plane1.apply(node1());
        assertThat(restarted.actions()).isEmpty();
        assertThat(restarted.repairs()).isEmpty();
        assertThat(restarted.networks()).filteredOn(n -> !n.name().equals("c")).allMatch(NetworkReport::ready);
        assertThat(plane2.apply(node2()).actions()).isEmpty();

        assertThat(ifindexes(N1)).as("no link re-created").isEqualTo(ifindexes);
        assertThat(ifindexes(InterfaceNames.routerNamespace("citn1", "tenant-a", "a"))).isEqualTo(routerIfindexes);
        assertThat(dnsmasqPid("state-n1", "tenant-a")).as("dnsmasq not restarted").isEqualTo(pid);
        assertThat(Files.readString(leases)).as("leases kept").contains(a1.mac());
        assertThat(ping("cit-vm-a1", "10.20.0.12")).isTrue();
    }

    @Test
    @Order(7)
    void driftDoneByHandIsRepaired() throws IOException {
        String vxA = InterfaceNames.vxlan("tenant-a", "a");
        String brB = InterfaceNames.bridge("tenant-b", "b");
        String tapT1 = InterfaceNames.tap(t1.vmUid(), "eth0");
        String tapA1 = InterfaceNames.tap(a1.vmUid(), "eth0");
        host.run(Command.of("ip", "link", "delete", vxA).inNetns(N1));
        host.run(Command.of("ip", "link", "delete", brB).inNetns(N1));
        host.run(Command.of("ip", "link", "delete", tapT1).inNetns(N1));
        host.run(Command.of("ip", "link", "set", tapA1, "nomaster").inNetns(N1));
        String oldPid = dnsmasqPid("state-n1", "tenant-a");
        host.run("kill", oldPid);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5))
                .until(() -> !Files.exists(Path.of("/proc", oldPid)));
        assertThat(ping("cit-vm-a1", "10.20.0.12")).isFalse();

        NodeNetworkReport repaired = plane1.apply(node1());

        assertThat(repaired.repairs()).contains(
                "re-created vxlan " + vxA + " (was missing)",
                "re-added fdb peer 10.99.0.2 on " + vxA + " (was missing)",
                "re-created bridge " + brB + " (was missing)",
                "re-created tap " + tapT1 + " (was missing)",
                "re-attached " + tapA1 + " to " + InterfaceNames.bridge("tenant-a", "a") + " (was detached)",
                "restarted dnsmasq for tenant-a/a (was not running)");
        assertThat(repaired.failures()).isEmpty();
        assertThat(repaired.networks()).filteredOn(n -> !n.name().equals("c")).allMatch(NetworkReport::ready);
        assertThat(dnsmasqPid("state-n1", "tenant-a")).isNotEqualTo(oldPid);
        assertThat(ping("cit-vm-a1", "10.20.0.12")).isTrue();
        assertThat(ping("cit-vm-b1", "10.20.0.22")).isTrue();
        assertThat(ping("cit-vm-b1", "10.20.0.12")).isFalse();

        NodeNetworkReport settled = plane1.apply(node1());
        assertThat(settled.actions()).isEmpty();
        assertThat(settled.repairs()).isEmpty();
    }

    @Test
    @Order(8)
    void aRemovedPortAndNetworkAreCollectedButForeignDevicesStay() {
        host.run(Command.of("ip", "link", "add", "cbr0", "type", "bridge").inNetns(N1)); // not ours: no hex suffix
        NodeNetworkDesired withoutB = new NodeNetworkDesired("citn1", Optional.of(N1), "10.99.0.1", 1500,
                List.of(network("a", 5001, List.of(a1)), geneve()));
        NodeNetworkReport report = plane1.apply(withoutB);
        assertThat(report.networks()).filteredOn(n -> n.name().equals("a")).allMatch(NetworkReport::ready);
        Map<String, JsonNode> links = links(N1);
        assertThat(links).containsKey("cbr0").containsKey(InterfaceNames.bridge("tenant-a", "a"))
                .doesNotContainKeys(InterfaceNames.bridge("tenant-b", "b"), InterfaceNames.vxlan("tenant-b", "b"),
                        InterfaceNames.tap(t1.vmUid(), "eth0"), InterfaceNames.tap(b1.vmUid(), "eth0"));
        assertThat(namespaces()).doesNotContain(InterfaceNames.routerNamespace("citn1", "tenant-b", "b"));
        assertThat(ping("cit-vm-a1", "10.20.0.12")).isTrue();
        assertThat(plane1.apply(withoutB).actions()).isEmpty();
    }

    // ---- topology -------------------------------------------------------------------------------

    private NodeNetworkDesired node1() {
        return new NodeNetworkDesired("citn1", Optional.of(N1), "10.99.0.1", 1500,
                List.of(network("a", 5001, List.of(a1, t1)), network("b", 5002, List.of(b1)), geneve()));
    }

    private NodeNetworkDesired node2() {
        return new NodeNetworkDesired("citn2", Optional.of(N2), "10.99.0.2", 1500,
                List.of(network("a", 5001, List.of(a2)), network("b", 5002, List.of(b2))));
    }

    /** DNS names: every VM of the tenant, on both nodes. */
    private NetworkDesired network(String tenant, long vni, List<PortDesired> ports) {
        List<HostRecord> names = Stream.of(a1, t1, a2, b1, b2).filter(p -> p.vmNamespace().equals("tenant-" + tenant))
                .map(p -> new HostRecord(p.hostname(), p.ip())).toList();
        return new NetworkDesired("tenant-" + tenant, tenant, vni, "10.20.0.0/24", "10.20.0.1", Optional.empty(), true,
                Optional.empty(), Optional.empty(), List.of(), Optional.of("tenant-" + tenant + ".cirrus.internal"),
                "vxlan", List.of("10.99.0.1", "10.99.0.2"), ports, names);
    }

    private static NetworkDesired geneve() {
        return new NetworkDesired("tenant-c", "c", 5003, "10.30.0.0/24", "10.30.0.1", Optional.empty(), true,
                Optional.empty(), Optional.empty(), List.of(), Optional.empty(), "geneve", List.of("10.99.0.2"),
                List.of(new PortDesired("tenant-c", "c1", "uid-c1", "eth0", "02:cc:00:00:00:01", "10.30.0.11", "c1")));
    }

    private static PortDesired port(String namespace, String vm, String mac, String ip) {
        return new PortDesired(namespace, vm, "uid-" + vm, "eth0", mac, ip, vm);
    }

    /** A "VM": a namespace whose eth0 has the port's MAC; its peer sits in the node with the derived tap name. */
    private void vm(String netns, String node, PortDesired port) {
        host.run("ip", "netns", "add", netns);
        host.run(Command.of("ip", "link", "add", InterfaceNames.tap(port.vmUid(), port.interfaceName()), "type", "veth",
                "peer", "name", "eth0", "netns", netns).inNetns(node));
        host.run(Command.of("ip", "link", "set", "eth0", "address", port.mac(), "up").inNetns(netns));
        host.run(Command.of("ip", "link", "set", "lo", "up").inNetns(netns));
    }

    // ---- probes ---------------------------------------------------------------------------------

    private boolean ping(String fromNetns, String ip) {
        return host.attempt(Command.of("busybox", "ping", "-c", "2", "-W", "2", ip).inNetns(fromNetns)
                .withTimeout(PING)).ok();
    }

    private String nslookup(String fromNetns, String name) {
        CommandResult r = host.attempt(Command.of("busybox", "nslookup", name, "10.20.0.1").inNetns(fromNetns)
                .withTimeout(PING));
        return r.stdout() + r.stderr();
    }

    private String tcp(String serverNetns, String clientNetns, String serverIp) throws Exception {
        CompletableFuture<CommandResult> server = CompletableFuture.supplyAsync(() -> host.run(
                Command.of("busybox", "nc", "-l", "-p", "5000").inNetns(serverNetns).withTimeout(Duration.ofSeconds(15))));
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> host.run(
                Command.of("ss", "-ltn").inNetns(serverNetns)).stdout().contains(":5000"));
        host.run(Command.of("busybox", "nc", "-w", "5", serverIp, "5000").inNetns(clientNetns)
                .withStdin("hello over vxlan\n").withTimeout(Duration.ofSeconds(10)));
        return server.get().stdout();
    }

    /** a2 listens; b1 (same address as a1, other tenant) cannot connect; a1 then can, which ends the server. */
    private boolean tcpFromOtherTenantFails() throws Exception {
        CompletableFuture<CommandResult> server = CompletableFuture.supplyAsync(() -> host.run(
                Command.of("busybox", "nc", "-l", "-p", "5001").inNetns("cit-vm-a2").withTimeout(Duration.ofSeconds(20))));
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> host.run(
                Command.of("ss", "-ltn").inNetns("cit-vm-a2")).stdout().contains(":5001"));
        boolean blocked = !host.attempt(Command.of("busybox", "nc", "-w", "3", "10.20.0.12", "5001").inNetns("cit-vm-b1")
                .withStdin("from tenant b\n").withTimeout(Duration.ofSeconds(10))).ok();
        host.run(Command.of("busybox", "nc", "-w", "5", "10.20.0.12", "5001").inNetns("cit-vm-a1")
                .withStdin("from tenant a\n").withTimeout(Duration.ofSeconds(10)));
        return blocked && server.get().stdout().equals("from tenant a\n");
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

    private String dnsmasqPid(String stateDir, String tenant) throws IOException {
        String ns = InterfaceNames.routerNamespace(stateDir.equals("state-n1") ? "citn1" : "citn2", tenant,
                tenant.substring("tenant-".length()));
        return Files.readString(work.resolve(stateDir).resolve("dnsmasq").resolve(ns + ".pid")).strip();
    }

    private List<String> namespaces() {
        List<String> names = new ArrayList<>();
        json(host.run("ip", "-json", "netns", "list").stdout()).forEach(n -> names.add(n.path("name").asText()));
        return names;
    }

    private static JsonNode json(String text) {
        try {
            return text.isBlank() ? JSON.createArrayNode() : JSON.readTree(text);
        } catch (IOException e) {
            throw new IllegalStateException(text, e);
        }
    }
}
