package dev.cirrus.node.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import dev.cirrus.node.host.Command;
import dev.cirrus.node.host.HostCommands;
import dev.cirrus.node.host.ProcessHostCommands;

/**
 * Three OVS nodes in a full tunnel mesh (the smallest mesh that can loop): namespaces cov-m1..3,
 * each with its own Open vSwitch, on an underlay Linux bridge inside namespace cov-ul. One Geneve
 * network, one VM stand-in per node (static addresses: DHCP is OvsNetworkDataplaneIT's business).
 * Broadcasts must not circulate tunnel → tunnel (tunnel ports are protected), and every node keeps
 * its gateway local.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OvsTunnelMeshIT {
    private static final List<String> NODES = List.of("cov-m1", "cov-m2", "cov-m3");
    private static final Path OVS_DIRS = Path.of("/var/tmp/cirrus-it");
    private static final String BRIDGE = OvsSettings.INTEGRATION_BRIDGE;
    private final HostCommands host = new ProcessHostCommands();
    private final List<NodeOvs> ovs = NODES.stream().map(n -> new NodeOvs(host, n, OVS_DIRS.resolve(n))).toList();
    private Path work;

    @BeforeAll
    void createMesh() throws IOException {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root: creates network namespaces");
        assumeTrue(host.attempt(Command.of("ovs-vsctl", "--version")).ok(), "needs Open vSwitch (hack/install-deps.sh)");
        cleanUp();
        work = Files.createTempDirectory("cirrus-ovs-mesh-it");
        host.run("ip", "netns", "add", "cov-ul");
        host.run(Command.of("ip", "link", "add", "ul0", "type", "bridge").inNetns("cov-ul"));
        host.run(Command.of("ip", "link", "set", "ul0", "up").inNetns("cov-ul"));
        for (int i = 0; i < 3; i++) {
            String node = NODES.get(i);
            host.run("ip", "netns", "add", node);
            host.run(Command.of("ip", "link", "set", "lo", "up").inNetns(node));
            host.run(Command.of("ip", "link", "add", "cov-s" + (i + 1), "type", "veth", "peer", "name", "cov-u",
                    "netns", node).inNetns("cov-ul"));
            host.run(Command.of("ip", "link", "set", "cov-s" + (i + 1), "master", "ul0", "up").inNetns("cov-ul"));
            ovs.get(i).start();
            ovs.get(i).underlay("cov-u", underlay(i) + "/24");
            vm(i);
        }
        for (int i = 0; i < 3; i++) {
            NodeNetworkReport report = new OvsNetworkDataplane(host, work.resolve("state-" + i), ovs.get(i).settings())
                    .apply(desired(i));
            assertThat(report.failures()).isEmpty();
            assertThat(report.networks()).allMatch(NetworkReport::ready);
        }
    }

    @AfterAll
    void cleanUp() throws IOException {
        ovs.forEach(NodeOvs::stop);
        List<String> namespaces = new ArrayList<>(host.run("ip", "netns", "list").stdout().lines()
                .map(l -> l.split(" ")[0]).toList());
        for (String ns : namespaces) {
            if (ns.startsWith("cov-m") || ns.equals("cov-ul") || ns.startsWith("cirrus-r-covm")) {
                host.attempt(Command.of("ip", "netns", "delete", ns));
            }
        }
        for (String node : NODES) {
            deleteTree(OVS_DIRS.resolve(node));
        }
        if (work != null) {
            deleteTree(work);
        }
    }

    @Test
    @Order(1)
    void everyPairTalksAcrossTheMesh() {
        for (int from = 0; from < 3; from++) {
            for (int to = 0; to < 3; to++) {
                if (from != to) {
                    assertThat(ping("cov-mv" + (from + 1), vmIp(to))).as("vm%d → vm%d", from + 1, to + 1).isTrue();
                }
            }
            assertThat(ping("cov-mv" + (from + 1), "10.30.0.1")).as("vm%d → its gateway", from + 1).isTrue();
        }
    }

    @Test
    @Order(2)
    void aBroadcastCrossesEachTunnelOnceAndNeverLoops() throws InterruptedException {
        long before = tunnelRxPackets();
        // ARP requests for an address nobody has: broadcasts flooded to every tunnel
        host.attempt(Command.of("busybox", "ping", "-c", "3", "-W", "1", "10.30.0.99").inNetns("cov-mv1")
                .withTimeout(Duration.ofSeconds(10)));
        Thread.sleep(2000);
        long received = tunnelRxPackets() - before;
        // A few ARP requests × 2 peers (plus stray IPv6 multicast); a loop would keep every broadcast
        // circulating, thousands of packets per second.
        assertThat(received).as("packets received on all tunnel ports").isBetween(2L, 200L);
    }

    private long tunnelRxPackets() {
        long sum = 0;
        for (int i = 0; i < 3; i++) {
            for (int peer = 0; peer < 3; peer++) {
                if (peer != i) {
                    String stats = ovs.get(i).vsctl("get", "Interface", InterfaceNames.tunnel("mesh", "net", underlay(peer)),
                            "statistics:rx_packets").stdout().strip().replace("\"", "");
                    sum += Long.parseLong(stats);
                }
            }
        }
        return sum;
    }

    private NodeNetworkDesired desired(int i) {
        PortDesired port = new PortDesired("mesh", "vm" + (i + 1), "uid-mesh-" + (i + 1), "eth0", mac(i), vmIp(i), "vm" + (i + 1));
        NetworkDesired network = new NetworkDesired("mesh", "net", 6001, "10.30.0.0/24", "10.30.0.1", Optional.empty(),
                false, Optional.empty(), Optional.empty(), List.of(), Optional.empty(), "geneve",
                List.of(underlay(0), underlay(1), underlay(2)), List.of(port));
        return new NodeNetworkDesired("covm" + (i + 1), Optional.of(NODES.get(i)), underlay(i), 1500, List.of(network));
    }

    private void vm(int i) {
        String netns = "cov-mv" + (i + 1);
        host.run("ip", "netns", "add", netns);
        host.run(Command.of("ip", "link", "add", InterfaceNames.tap("uid-mesh-" + (i + 1), "eth0"), "type", "veth",
                "peer", "name", "eth0", "netns", netns).inNetns(NODES.get(i)));
        host.run(Command.of("ip", "link", "set", "eth0", "address", mac(i), "mtu", "1450", "up").inNetns(netns));
        host.run(Command.of("ethtool", "-K", "eth0", "tx", "off").inNetns(netns));
        host.run(Command.of("ip", "addr", "add", vmIp(i) + "/24", "dev", "eth0").inNetns(netns));
    }

    private boolean ping(String fromNetns, String ip) {
        return host.attempt(Command.of("busybox", "ping", "-c", "2", "-W", "3", ip).inNetns(fromNetns)
                .withTimeout(Duration.ofSeconds(10))).ok();
    }

    private static String underlay(int i) {
        return "10.98.0." + (i + 1);
    }

    private static String vmIp(int i) {
        return "10.30.0." + (11 + i);
    }

    private static String mac(int i) {
        return "02:30:00:00:00:1" + (i + 1);
    }

    private static void deleteTree(Path root) throws IOException {
        if (Files.exists(root)) {
            try (Stream<Path> files = Files.walk(root)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
