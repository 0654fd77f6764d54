package dev.cirrus.node.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cirrus.node.host.Command;
import dev.cirrus.node.host.HostCommands;
import dev.cirrus.node.host.ProcessHostCommands;
import dev.cirrus.node.network.InterfaceNames;
import dev.cirrus.node.network.LinuxNetworkDataplane;
import dev.cirrus.node.network.NetworkDesired;
import dev.cirrus.node.network.NodeNetworkDesired;
import dev.cirrus.node.network.NodeOvs;
import dev.cirrus.node.network.OvsNetworkDataplane;
import dev.cirrus.node.network.PortDesired;

/**
 * The dataplane benchmark (run by hack/bench-dataplane, not a test): iperf3 TCP between two VM
 * stand-ins on two namespace nodes over the Linux backend (bridge + kernel VXLAN) and over the OVS
 * backend (userspace Geneve), each as a ratio to a plain veth pair measured in the same run.
 * Argument: seconds per iperf3 run.
 */
public final class DataplaneBench {
    private static final String N1 = "cbn-n1";
    private static final String N2 = "cbn-n2";
    private static final String O1 = "cbn-o1";
    private static final String O2 = "cbn-o2";
    /** The OVS instances' run directories and the iperf3 pid files (removed at the end). */
    private static final Path OVS_DIRS = Path.of("/var/tmp/cirrus-bench-dataplane");
    private final HostCommands host = new ProcessHostCommands();

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        DataplaneBench bench = new DataplaneBench();
        bench.cleanUp();
        try {
            double veth = bench.plainVeth(seconds);
            double linux = bench.linuxBackend(seconds);
            double ovs = bench.ovsBackend(seconds);
            System.out.printf("BENCH dataplane plain-veth=%.2fGbit/s linux-vxlan=%.2fGbit/s ratio=%.2f"
                    + " ovs-netdev-geneve=%.2fGbit/s ovs-ratio=%.3f (iperf3 TCP, %ds each)%n",
                    veth, linux, linux / veth, ovs, ovs / veth, seconds);
        } finally {
            bench.cleanUp();
        }
        System.exit(0);
    }

    private double plainVeth(int seconds) throws Exception {
        host.run("ip", "netns", "add", "cbn-p1");
        host.run("ip", "netns", "add", "cbn-p2");
        host.run(Command.of("ip", "link", "add", "p1", "type", "veth", "peer", "name", "p2", "netns", "cbn-p2").inNetns("cbn-p1"));
        address("cbn-p1", "p1", "10.77.0.1/24");
        address("cbn-p2", "p2", "10.77.0.2/24");
        return iperf("cbn-p2", "cbn-p1", "10.77.0.2", seconds);
    }

    private double linuxBackend(int seconds) throws Exception {
        for (String node : List.of(N1, N2)) {
            host.run("ip", "netns", "add", node);
            host.run(Command.of("ip", "link", "set", "lo", "up").inNetns(node));
        }
        host.run(Command.of("ip", "link", "add", "cbn-u1", "type", "veth", "peer", "name", "cbn-u2", "netns", N2).inNetns(N1));
        address(N1, "cbn-u1", "10.97.0.1/24");
        address(N2, "cbn-u2", "10.97.0.2/24");
        PortDesired a = new PortDesired("bench", "a", "bench-a", "eth0", "02:be:00:00:00:0a", "10.40.0.10", "a");
        PortDesired b = new PortDesired("bench", "b", "bench-b", "eth0", "02:be:00:00:00:0b", "10.40.0.11", "b");
        endpoint("cbn-a", N1, a);
        endpoint("cbn-b", N2, b);
        Path state = Files.createTempDirectory("cirrus-bench-dataplane");
        new LinuxNetworkDataplane(host, state.resolve("n1")).apply(node(N1, "10.97.0.1", "10.97.0.2", a));
        new LinuxNetworkDataplane(host, state.resolve("n2")).apply(node(N2, "10.97.0.2", "10.97.0.1", b));
        // VM MTU = underlay 1500 - 50 (VXLAN), as the dataplane sets on the taps.
        address("cbn-a", "eth0", "10.40.0.10/24");
        address("cbn-b", "eth0", "10.40.0.11/24");
        host.run(Command.of("ip", "link", "set", "eth0", "mtu", "1450").inNetns("cbn-a"));
        host.run(Command.of("ip", "link", "set", "eth0", "mtu", "1450").inNetns("cbn-b"));
        return iperf("cbn-b", "cbn-a", "10.40.0.11", seconds);
    }

    /**
     * The OVS backend on the userspace datapath (the only one here): each node namespace runs its own
     * Open vSwitch (hack/node-ovs.sh) with the underlay veth in a netdev bridge; Geneve between them.
     * The VM stand-ins have tx checksum offload off, as a VM's NIC must on this datapath.
     */
    private double ovsBackend(int seconds) throws Exception {
        for (String node : List.of(O1, O2)) {
            host.run("ip", "netns", "add", node);
            host.run(Command.of("ip", "link", "set", "lo", "up").inNetns(node));
        }
        host.run(Command.of("ip", "link", "add", "cbn-w1", "type", "veth", "peer", "name", "cbn-w2", "netns", O2).inNetns(O1));
        for (int i = 0; i < 2; i++) {
            NodeOvs ovs = ovs(i == 0 ? O1 : O2);
            ovs.start();
            ovs.underlay(i == 0 ? "cbn-w1" : "cbn-w2", "10.96.0." + (i + 1) + "/24");
        }
        PortDesired a = new PortDesired("bench", "a", "bench-oa", "eth0", "02:be:00:00:01:0a", "10.41.0.10", "a");
        PortDesired b = new PortDesired("bench", "b", "bench-ob", "eth0", "02:be:00:00:01:0b", "10.41.0.11", "b");
        endpoint("cbn-oa", O1, a);
        endpoint("cbn-ob", O2, b);
        Path state = Files.createTempDirectory("cirrus-bench-ovs");
        new OvsNetworkDataplane(host, state.resolve("o1"), ovs(O1).settings())
                .apply(node(O1, "10.96.0.1", "10.96.0.2", a, "geneve", "10.41.0"));
        new OvsNetworkDataplane(host, state.resolve("o2"), ovs(O2).settings())
                .apply(node(O2, "10.96.0.2", "10.96.0.1", b, "geneve", "10.41.0"));
        for (String vm : List.of("cbn-oa", "cbn-ob")) {
            host.run(Command.of("ethtool", "-K", "eth0", "tx", "off").inNetns(vm));
            host.run(Command.of("ip", "link", "set", "eth0", "mtu", "1450").inNetns(vm));
        }
        address("cbn-oa", "eth0", "10.41.0.10/24");
        address("cbn-ob", "eth0", "10.41.0.11/24");
        return iperf("cbn-ob", "cbn-oa", "10.41.0.11", seconds);
    }

    private NodeOvs ovs(String node) {
        return new NodeOvs(host, node, OVS_DIRS.resolve(node));
    }

    private static NodeNetworkDesired node(String netns, String underlay, String peer, PortDesired port) {
        return node(netns, underlay, peer, port, "vxlan", "10.40.0");
    }

    private static NodeNetworkDesired node(String netns, String underlay, String peer, PortDesired port,
            String encapsulation, String prefix) {
        NetworkDesired network = new NetworkDesired("bench", "net", 6001, prefix + ".0/24", prefix + ".1", Optional.empty(),
                false, Optional.empty(), Optional.empty(), List.of(), Optional.empty(), encapsulation, List.of(peer),
                List.of(port));
        return new NodeNetworkDesired(netns, Optional.of(netns), underlay, 1500, List.of(network));
    }

    private void endpoint(String netns, String node, PortDesired port) {
        host.run("ip", "netns", "add", netns);
        host.run(Command.of("ip", "link", "add", InterfaceNames.tap(port.vmUid(), port.interfaceName()), "type", "veth",
                "peer", "name", "eth0", "netns", netns).inNetns(node));
        host.run(Command.of("ip", "link", "set", "eth0", "address", port.mac()).inNetns(netns));
        host.run(Command.of("ip", "link", "set", "lo", "up").inNetns(netns));
    }

    private void address(String netns, String dev, String cidr) {
        host.run(Command.of("ip", "addr", "add", cidr, "dev", dev).inNetns(netns));
        host.run(Command.of("ip", "link", "set", dev, "up").inNetns(netns));
    }

    private double iperf(String serverNs, String clientNs, String serverIp, int seconds) throws Exception {
        Files.createDirectories(OVS_DIRS);
        host.run(Command.of("iperf3", "-s", "-D", "-1", "--pidfile", iperfPidFile(serverNs).toString()).inNetns(serverNs));
        Thread.sleep(500);
        String json = host.run(Command.of("iperf3", "-c", serverIp, "-t", Integer.toString(seconds), "-J").inNetns(clientNs)
                .withTimeout(Duration.ofSeconds(seconds + 30))).stdout();
        return new ObjectMapper().readTree(json).path("end").path("sum_received").path("bits_per_second").asDouble() / 1e9;
    }

    private static Path iperfPidFile(String serverNs) {
        return OVS_DIRS.resolve("iperf3-" + serverNs + ".pid");
    }

    private void cleanUp() {
        // Only the servers this bench started (by pid file): other iperf3 processes on the machine stay.
        for (String ns : List.of("cbn-p2", "cbn-b", "cbn-ob")) {
            Path pidFile = iperfPidFile(ns);
            try {
                String pid = Files.readString(pidFile).strip();
                if (pid.matches("\\d+") && Files.readString(Path.of("/proc", pid, "comm")).strip().equals("iperf3")) {
                    host.attempt(Command.of("kill", pid));
                }
                Files.deleteIfExists(pidFile);
            } catch (java.io.IOException e) {
                // no pid file or the server is gone: nothing to stop
            }
        }
        ovs(O1).stop();
        ovs(O2).stop();
        deleteTree(OVS_DIRS.resolve(O1));
        deleteTree(OVS_DIRS.resolve(O2));
        for (String line : host.run("ip", "netns", "list").stdout().lines().toList()) {
            String ns = line.split(" ")[0];
            if (ns.startsWith("cbn-") || ns.startsWith("cirrus-r-cbn-")) {
                host.attempt(Command.of("ip", "netns", "delete", ns));
            }
        }
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (java.util.stream.Stream<Path> files = Files.walk(root)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
