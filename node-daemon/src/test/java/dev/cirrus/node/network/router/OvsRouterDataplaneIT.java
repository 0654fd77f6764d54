package dev.cirrus.node.network.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
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
import dev.cirrus.node.network.InterfaceNames;
import dev.cirrus.node.network.NetworkDesired;
import dev.cirrus.node.network.NodeNetworkDesired;
import dev.cirrus.node.network.NodeOvs;
import dev.cirrus.node.network.OvsFlows;
import dev.cirrus.node.network.OvsNetworkDataplane;
import dev.cirrus.node.network.PortDesired;

/**
 * Router services on the OVS backend (userspace datapath), real tools. Two nodes (cor-n1, cor-n2),
 * each with its own Open vSwitch (hack/node-ovs.sh) and the underlay veth in a netdev bridge, and
 * an uplink Linux bridge cor-upl joined to the "outside" cor-out (bridge holding the external
 * gateway 203.0.113.1 and an HTTP server whose CGI echoes the client address). One Geneve overlay
 * 10.30.0.0/24 (VNI 7401) routed to external network cor-ext; node addresses 203.0.113.21 (n1),
 * 203.0.113.22 (n2). VM stand-ins are namespaces whose veth's node end carries the derived tap
 * name (tx checksum offload off, as a VM's NIC on this datapath): vm1 on n1, 10.30.0.11 with
 * floating IP 203.0.113.60 (firewall: TCP 8080 and ICMP; it also listens on 9999); vm2 on n2,
 * 10.30.0.12, no floating IP, a forward 203.0.113.61:8022 → 9000. Anti-spoofing is the OVS
 * backend's own flows; routing gets no bridge tables.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OvsRouterDataplaneIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String N1 = "cor-n1";
    private static final String N2 = "cor-n2";
    private static final String OUT = "cor-out";
    private static final String VM1 = "cor-vm1";
    private static final String VM2 = "cor-vm2";
    private static final String EXT = "cor-ext";
    private static final String UPLINK = "cor-upl";
    private static final String FIP = "203.0.113.60";
    private static final String FORWARD_IP = "203.0.113.61";
    private static final long VNI = 7401;
    private static final Path OVS_DIRS = Path.of("/var/tmp/cirrus-it");

    private final HostCommands host = new ProcessHostCommands();
    private final NodeOvs ovs1 = new NodeOvs(host, N1, OVS_DIRS.resolve(N1));
    private final NodeOvs ovs2 = new NodeOvs(host, N2, OVS_DIRS.resolve(N2));
    private final List<Process> servers = new ArrayList<>();
    private Path work;
    private OvsNetworkDataplane overlay1;
    private OvsNetworkDataplane overlay2;
    private RouterDataplane router1;
    private RouterDataplane router2;

    private final PortDesired port1 = port("vm1", "02:c8:00:00:00:11", "10.30.0.11");
    private final PortDesired port2 = port("vm2", "02:c8:00:00:00:12", "10.30.0.12");
    private final VmInterfaceDesired nic1 = new VmInterfaceDesired(port1.vmUid(), "eth0", tap(port1), port1.mac(),
            port1.ip(), Optional.of(FIP), true, List.of(),
            List.of(new FirewallRuleDesired("tcp", Optional.of("8080"), Optional.empty()),
                    new FirewallRuleDesired("icmp", Optional.empty(), Optional.empty())));
    private final VmInterfaceDesired nic2 = new VmInterfaceDesired(port2.vmUid(), "eth0", tap(port2), port2.mac(),
            port2.ip(), Optional.of(FORWARD_IP), false, List.of(new PortForwardDesired("tcp", 8022, 9000, Optional.empty())),
            List.of());

    @BeforeAll
    void createTopology() throws IOException {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root: creates network namespaces");
        assumeTrue(host.attempt(Command.of("ovs-vsctl", "--version")).ok(), "needs Open vSwitch (hack/install-deps.sh)");
        cleanUp();
        work = Files.createTempDirectory("cor-router-it");
        for (String ns : List.of(N1, N2, OUT, VM1, VM2)) {
            host.run("ip", "netns", "add", ns);
            in(ns, "ip", "link", "set", "lo", "up");
        }
        in(N1, "ip", "link", "add", "cor-u1", "type", "veth", "peer", "name", "cor-u2", "netns", N2);
        ovs1.start();
        ovs2.start();
        ovs1.underlay("cor-u1", "10.97.0.1/24");
        ovs2.underlay("cor-u2", "10.97.0.2/24");
        in(OUT, "ip", "link", "add", "cor-xbr", "type", "bridge");
        in(OUT, "ip", "addr", "add", "203.0.113.1/24", "dev", "cor-xbr");
        in(OUT, "ip", "link", "set", "cor-xbr", "up");
        int i = 1;
        for (String node : List.of(N1, N2)) {
            // The node set-up's uplink bridge (a Linux bridge on OVS nodes too), joined to the outside.
            in(node, "ip", "link", "add", UPLINK, "type", "bridge");
            in(node, "ip", "link", "set", UPLINK, "up");
            in(OUT, "ip", "link", "add", "cor-o" + i, "type", "veth", "peer", "name", "cor-e" + i, "netns", node);
            in(OUT, "ip", "link", "set", "cor-o" + i, "master", "cor-xbr", "up");
            in(node, "ip", "link", "set", "cor-e" + i, "master", UPLINK, "up");
            i++;
        }
        outsideServer();
        attachVm(VM1, N1, port1);
        attachVm(VM2, N2, port2);
        servers.add(server(VM1, 8080, "vm1"));
        servers.add(server(VM1, 9999, "vm1 unopened"));
        servers.add(server(VM2, 9000, "vm2"));
        overlay1 = new OvsNetworkDataplane(host, work.resolve("n1"), ovs1.settings());
        overlay2 = new OvsNetworkDataplane(host, work.resolve("n2"), ovs2.settings());
        router1 = new RouterDataplane(host, work.resolve("n1"));
        router2 = new RouterDataplane(host, work.resolve("n2"));
    }

    @AfterAll
    void cleanUp() throws IOException {
        servers.forEach(Process::destroyForcibly);
        ovs1.stop();
        ovs2.stop();
        for (String ns : namespaces()) {
            if (ns.startsWith("cor-") || ns.startsWith("cirrus-r-corn") || ns.startsWith("cirrus-x-corn")) {
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
    void programsBothNodesAndASecondApplyChangesNothing() {
        assertThat(overlay1.apply(overlay("corn1", N1, "10.97.0.1", List.of(port1))).failures()).isEmpty();
        assertThat(overlay2.apply(overlay("corn2", N2, "10.97.0.2", List.of(port2))).failures()).isEmpty();
        RoutingReport r1 = router1.apply(routing("corn1", N1, "203.0.113.21", List.of(nic1)));
        RoutingReport r2 = router2.apply(routing("corn2", N2, "203.0.113.22", List.of(nic2)));

        assertThat(r1.failures()).isEmpty();
        assertThat(r2.failures()).isEmpty();
        assertThat(r1.interfaces()).singleElement().satisfies(r -> {
            assertThat(r.ready()).isTrue();
            assertThat(r.message()).contains("floating IP " + FIP + " → 10.30.0.11");
        });
        assertThat(r2.interfaces()).singleElement().satisfies(r -> assertThat(r.ready()).isTrue());
        assertThat(host.run(Command.of("nft", "list", "tables", "bridge").inNetns(N1)).stdout())
                .as("no nft bridge anti-spoofing on an OVS node").doesNotContain("cirrus-as-");
        assertThat(antiSpoofFlows(ovs1, N1)).hasSize(5);

        assertThat(overlay1.apply(overlay("corn1", N1, "10.97.0.1", List.of(port1))).actions()).isEmpty();
        RoutingReport again = router1.apply(routing("corn1", N1, "203.0.113.21", List.of(nic1)));
        assertThat(again.actions()).isEmpty();
        assertThat(again.repairs()).isEmpty();
    }

    @Test
    @Order(2)
    void outboundLeavesWithTheNodeAddressOrTheFloatingIp() {
        assertThat(ping(VM1, "10.30.0.12")).as("vm1 → vm2 over Geneve").isTrue();
        assertThat(fetch(VM2, "203.0.113.1", 80, "/cgi-bin/ip")).as("vm2 (no floating IP) seen as its node n2")
                .isEqualTo("203.0.113.22");
        assertThat(fetch(VM1, "203.0.113.1", 80, "/cgi-bin/ip")).as("vm1 seen as its floating IP").isEqualTo(FIP);
    }

    @Test
    @Order(3)
    void theOutsideReachesTheFloatingIpAndTheForwardOnly() {
        assertThat(ping(OUT, FIP)).as("ping floating IP").isTrue();
        assertThat(fetch(OUT, FIP, 8080, "/")).as("TCP to the floating IP").isEqualTo("vm1");
        assertThat(fetch(OUT, FORWARD_IP, 8022, "/")).as("port forward").isEqualTo("vm2");
        assertThat(fetch(OUT, FIP, 9999, "/")).as("a port no rule opens").isNull();
        assertThat(fetch(OUT, FORWARD_IP, 9000, "/")).as("the forward's target port directly").isNull();
    }

    @Test
    @Order(4)
    void aSpoofingVmGetsNothingThrough() {
        assertThat(ping(VM2, "203.0.113.1")).as("control").isTrue();
        long droppedBefore = dropped(ovs2, N2, port2);
        in(VM2, "ip", "addr", "add", "10.30.0.77/24", "dev", "eth0");
        assertThat(host.attempt(Command.of("busybox", "ping", "-c", "2", "-W", "2", "-I", "10.30.0.77", "203.0.113.1")
                .inNetns(VM2).withTimeout(Duration.ofSeconds(10))).ok()).as("from a foreign IP").isFalse();
        in(VM2, "ip", "addr", "del", "10.30.0.77/24", "dev", "eth0");
        in(VM2, "ip", "link", "set", "eth0", "address", "02:c8:00:00:00:99");
        in(VM2, "ip", "neigh", "flush", "all");
        assertThat(ping(VM2, "203.0.113.1")).as("from a foreign MAC").isFalse();
        assertThat(dropped(ovs2, N2, port2)).as("dropped by the port's anti-spoofing flow").isGreaterThan(droppedBefore);
        in(VM2, "ip", "link", "set", "eth0", "address", port2.mac());
        assertThat(ping(VM2, "203.0.113.1")).as("own MAC and IP again").isTrue();
    }

    @Test
    @Order(5)
    void aGoneVmLeavesNoFlowsAndNoRoute() {
        assertThat(overlay2.apply(overlay("corn2", N2, "10.97.0.2", List.of())).failures()).isEmpty();
        assertThat(router2.apply(routing("corn2", N2, "203.0.113.22", List.of())).failures()).isEmpty();
        assertThat(antiSpoofFlows(ovs2, N2)).isEmpty();
        assertThat(fetch(OUT, FORWARD_IP, 8022, "/")).isNull();
        assertThat(fetch(OUT, FIP, 8080, "/")).as("n1 unaffected").isEqualTo("vm1");
    }

    // ---- desired state ------------------------------------------------------------------------

    private static NodeNetworkDesired overlay(String node, String netns, String underlayIp, List<PortDesired> ports) {
        return new NodeNetworkDesired(node, Optional.of(netns), underlayIp, 1500, List.of(
                new NetworkDesired("cor-t", "net", VNI, "10.30.0.0/24", "10.30.0.1", Optional.empty(), false,
                        Optional.empty(), Optional.empty(), List.of(), Optional.empty(), "geneve",
                        List.of("10.97.0.1", "10.97.0.2"), ports)));
    }

    /** As agent.DesiredRouting gives it for the OVS backend: no bridge anti-spoofing tables. */
    private static RoutingDesired routing(String node, String netns, String nodeAddress, List<VmInterfaceDesired> nics) {
        RoutedNetworkDesired routed = new RoutedNetworkDesired("cor-t/net", EXT,
                InterfaceNames.routerNamespace(node, "cor-t", "net"), InterfaceNames.routerInside("cor-t", "net"),
                LinkLocalPair.preferred(VNI), true, nics);
        return new RoutingDesired(node, Optional.of(netns),
                List.of(new ExternalDesired(EXT, UPLINK, nodeAddress, 24, "203.0.113.1")), List.of(routed), List.of());
    }

    private static PortDesired port(String vm, String mac, String ip) {
        return new PortDesired("cor-t", vm, "cor-uid-" + vm, "eth0", mac, ip, vm);
    }

    private static String tap(PortDesired port) {
        return InterfaceNames.tap(port.vmUid(), port.interfaceName());
    }

    // ---- topology helpers ---------------------------------------------------------------------

    /** A VM's NIC: the node end carries the tap name; the VM side gets the port's MAC, IP, gateway, tx offload off. */
    private void attachVm(String vm, String node, PortDesired port) {
        in(node, "ip", "link", "add", tap(port), "type", "veth", "peer", "name", "eth0", "netns", vm);
        in(vm, "ip", "link", "set", "eth0", "address", port.mac(), "mtu", "1450", "up");
        in(vm, "ethtool", "-K", "eth0", "tx", "off");
        in(vm, "ip", "addr", "add", port.ip() + "/24", "dev", "eth0");
        in(vm, "ip", "route", "add", "default", "via", "10.30.0.1");
    }

    private void outsideServer() throws IOException {
        Path cgi = work.resolve("www-out/cgi-bin/ip");
        Files.createDirectories(cgi.getParent());
        Files.writeString(cgi, "#!/bin/sh\nprintf 'Content-Type: text/plain\\r\\n\\r\\n%s' \"$REMOTE_ADDR\"\n");
        Files.setPosixFilePermissions(cgi, PosixFilePermissions.fromString("rwxr-xr-x"));
        servers.add(httpd(OUT, 80, work.resolve("www-out")));
    }

    private Process server(String netns, int port, String body) throws IOException {
        Path dir = work.resolve("www-" + netns + "-" + port);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("index.html"), body);
        return httpd(netns, port, dir);
    }

    /** busybox httpd in the foreground, so the test owns the process and stops it. */
    private Process httpd(String netns, int port, Path dir) throws IOException {
        Process process = new ProcessBuilder("ip", "netns", "exec", netns, "busybox", "httpd", "-f", "-p",
                Integer.toString(port), "-h", dir.toString()).redirectErrorStream(true)
                .redirectOutput(work.resolve("httpd-" + netns + "-" + port + ".log").toFile()).start();
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> host.run(
                Command.of("ss", "-ltn").inNetns(netns)).stdout().contains(":" + port + " "));
        return process;
    }

    private void in(String netns, String... argv) {
        host.run(Command.of(argv).inNetns(netns));
    }

    // ---- probes -------------------------------------------------------------------------------

    private List<String> antiSpoofFlows(NodeOvs ovs, String netns) {
        return host.run(Command.of("ovs-ofctl", "dump-flows", "--no-stats", ovs.settings().bridgeControl(),
                "cookie=" + OvsFlows.PORT_COOKIE + "/-1").inNetns(netns)).stdout().lines()
                .filter(l -> l.contains("cookie=")).toList();
    }

    /** Packets the port's final drop flow has counted. */
    private long dropped(NodeOvs ovs, String netns, PortDesired port) {
        String ofport = host.run(Command.of("ovs-vsctl", "--db=" + ovs.settings().db(), "get", "Interface", tap(port),
                "ofport").inNetns(netns)).stdout().strip();
        String dump = host.run(Command.of("ovs-ofctl", "dump-flows", ovs.settings().bridgeControl(),
                "cookie=" + OvsFlows.PORT_COOKIE + "/-1,in_port=" + ofport).inNetns(netns)).stdout();
        return dump.lines().filter(l -> l.contains("actions=drop")).findFirst()
                .map(l -> Long.parseLong(l.replaceFirst(".*n_packets=(\\d+),.*", "$1"))).orElse(-1L);
    }

    private boolean ping(String from, String ip) {
        return host.attempt(Command.of("busybox", "ping", "-c", "2", "-W", "2", ip).inNetns(from)
                .withTimeout(Duration.ofSeconds(10))).ok();
    }

    /** The body, or null when nothing answered. */
    private String fetch(String from, String ip, int port, String path) {
        // curl, not busybox wget (which segfaults on these machines)
        CommandResult result = host.attempt(Command.of("curl", "-sf", "--noproxy", "*", "--max-time", "3",
                "http://" + ip + ":" + port + path).inNetns(from).withTimeout(Duration.ofSeconds(8)));
        // busybox httpd gives CGIs IPv4 clients as "[::ffff:a.b.c.d]"
        return result.ok() ? result.stdout().strip().replace("[::ffff:", "").replace("]", "") : null;
    }

    private List<String> namespaces() {
        List<String> names = new ArrayList<>();
        try {
            String text = host.run("ip", "-json", "netns", "list").stdout();
            JsonNode parsed = text.isBlank() ? JSON.createArrayNode() : JSON.readTree(text);
            parsed.forEach(n -> names.add(n.path("name").asText()));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return names;
    }

    private static void deleteTree(Path root) throws IOException {
        if (Files.exists(root)) {
            try (Stream<Path> files = Files.walk(root)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
