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
import dev.cirrus.node.network.InterfaceNames;
import dev.cirrus.node.network.LinuxNetworkDataplane;
import dev.cirrus.node.network.NetworkDesired;
import dev.cirrus.node.network.NodeNetworkDesired;
import dev.cirrus.node.network.NodeNetworkReport;
import dev.cirrus.node.network.PortDesired;

/**
 * Router services on the real tools. Two nodes (crt-n1, crt-n2) joined by a veth underlay; each
 * has an uplink bridge crt-upl joined to the "outside" crt-out (bridge crt-xbr holding the external
 * gateway 203.0.113.1 and an HTTP server whose CGI echoes the client address). One overlay
 * 10.20.0.0/24 (VNI 7301) routed to external network crt-ext; node addresses 203.0.113.11 (n1),
 * 203.0.113.12 (n2). VM stand-ins are namespaces whose veth's node end carries the derived tap
 * name: vm1 10.20.0.11 with floating IP 203.0.113.50 (firewall: TCP 8080 and ICMP; it also
 * listens on 9999), vm2 10.20.0.12 with a forward 203.0.113.51:8022 → 9000 (no floating IP).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RouterDataplaneIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String N1 = "crt-n1";
    private static final String N2 = "crt-n2";
    private static final String OUT = "crt-out";
    private static final String VM1 = "crt-vm1";
    private static final String VM2 = "crt-vm2";
    private static final String EXT = "crt-ext";
    private static final String UPLINK = "crt-upl";
    private static final String FIP = "203.0.113.50";
    private static final String FORWARD_IP = "203.0.113.51";
    private static final long VNI = 7301;

    private final HostCommands host = new ProcessHostCommands();
    private final List<Process> servers = new ArrayList<>();
    private Path work;
    private LinuxNetworkDataplane overlay1;
    private LinuxNetworkDataplane overlay2;
    private RouterDataplane router1;
    private RouterDataplane router2;

    private final PortDesired port1 = port("vm1", "02:c7:00:00:00:11", "10.20.0.11");
    private final PortDesired port2 = port("vm2", "02:c7:00:00:00:12", "10.20.0.12");
    private VmInterfaceDesired nic1 = new VmInterfaceDesired(port1.vmUid(), "eth0", tap(port1), port1.mac(), port1.ip(),
            Optional.of(FIP), true, List.of(), List.of(new FirewallRuleDesired("tcp", Optional.of("8080"), Optional.empty()),
                    new FirewallRuleDesired("icmp", Optional.empty(), Optional.empty())));
    private final VmInterfaceDesired nic2 = new VmInterfaceDesired(port2.vmUid(), "eth0", tap(port2), port2.mac(), port2.ip(),
            Optional.of(FORWARD_IP), false, List.of(new PortForwardDesired("tcp", 8022, 9000, Optional.empty())), List.of());

    @BeforeAll
    void createTopology() throws IOException {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root: creates network namespaces");
        cleanUp();
        work = Files.createTempDirectory("crt-router-it");
        for (String ns : List.of(N1, N2, OUT, VM1, VM2)) {
            host.run("ip", "netns", "add", ns);
            in(ns, "ip", "link", "set", "lo", "up");
        }
        in(N1, "ip", "link", "add", "crt-u1", "type", "veth", "peer", "name", "crt-u2", "netns", N2);
        in(N1, "ip", "addr", "add", "10.98.0.1/24", "dev", "crt-u1");
        in(N2, "ip", "addr", "add", "10.98.0.2/24", "dev", "crt-u2");
        in(N1, "ip", "link", "set", "crt-u1", "up");
        in(N2, "ip", "link", "set", "crt-u2", "up");
        in(OUT, "ip", "link", "add", "crt-xbr", "type", "bridge");
        in(OUT, "ip", "addr", "add", "203.0.113.1/24", "dev", "crt-xbr");
        in(OUT, "ip", "link", "set", "crt-xbr", "up");
        int i = 1;
        for (String node : List.of(N1, N2)) {
            // The node set-up's uplink bridge, joined to the outside (Cirrus does not create it).
            in(node, "ip", "link", "add", UPLINK, "type", "bridge");
            in(node, "ip", "link", "set", UPLINK, "up");
            in(OUT, "ip", "link", "add", "crt-o" + i, "type", "veth", "peer", "name", "crt-e" + i, "netns", node);
            in(OUT, "ip", "link", "set", "crt-o" + i, "master", "crt-xbr", "up");
            in(node, "ip", "link", "set", "crt-e" + i, "master", UPLINK, "up");
            i++;
        }
        outsideServer();
        attachVm(VM1, N1, port1);
        attachVm(VM2, N1, port2);
        servers.add(server(VM1, 8080, "vm1"));
        servers.add(server(VM1, 9999, "vm1 unopened"));
        servers.add(server(VM2, 9000, "vm2"));
        overlay1 = new LinuxNetworkDataplane(host, work.resolve("n1"));
        overlay2 = new LinuxNetworkDataplane(host, work.resolve("n2"));
        router1 = new RouterDataplane(host, work.resolve("n1"));
        router2 = new RouterDataplane(host, work.resolve("n2"));
    }

    @AfterAll
    void cleanUp() throws IOException {
        servers.forEach(Process::destroyForcibly);
        for (String ns : namespaces()) {
            if (ns.startsWith("crt-") || ns.startsWith("cirrus-r-crtn") || ns.startsWith("cirrus-x-crtn")) {
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
    void programsTheRouterAndASecondApplyChangesNothing() {
        assertThat(overlay1.apply(overlayN1(List.of(port1, port2))).failures()).isEmpty();
        RoutingReport report = router1.apply(routingN1(List.of(nic1, nic2)));

        assertThat(report.failures()).isEmpty();
        assertThat(report.interfaces()).extracting(ExternalReport::vmUid, ExternalReport::ready)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(port1.vmUid(), true),
                        org.assertj.core.groups.Tuple.tuple(port2.vmUid(), true));
        assertThat(report.interfaces().get(0).message()).contains("floating IP " + FIP + " → 10.20.0.11");
        RoutingReport again = router1.apply(routingN1(List.of(nic1, nic2)));
        assertThat(again.actions()).isEmpty();
        assertThat(again.repairs()).isEmpty();
    }

    @Test
    @Order(2)
    void outboundLeavesWithTheNodeAddressOrTheFloatingIp() {
        assertThat(fetch(VM2, "203.0.113.1", 80, "/cgi-bin/ip")).as("vm2 (no floating IP) seen as the node").isEqualTo("203.0.113.11");
        assertThat(fetch(VM1, "203.0.113.1", 80, "/cgi-bin/ip")).as("vm1 seen as its floating IP").isEqualTo(FIP);
    }

    @Test
    @Order(3)
    void theOutsideReachesTheFloatingIpAndTheForwardOnly() {
        assertThat(ping(OUT, FIP)).as("ping floating IP").isTrue();
        assertThat(fetch(OUT, FIP, 8080, "/")).isEqualTo("vm1");
        assertThat(fetch(OUT, FORWARD_IP, 8022, "/")).as("port forward").isEqualTo("vm2");
        assertThat(fetch(OUT, FIP, 9999, "/")).as("a port no rule opens").isNull();
        assertThat(fetch(OUT, FORWARD_IP, 9000, "/")).as("the forward's target port directly").isNull();
        assertThat(ping(OUT, FORWARD_IP)).as("a forwarding address is no floating IP").isFalse();
        // Even routed straight at the node, the overlay's private addresses stay unreachable.
        in(OUT, "ip", "route", "replace", "10.20.0.0/24", "via", "203.0.113.11");
        assertThat(ping(OUT, "10.20.0.12")).isFalse();
        in(OUT, "ip", "route", "del", "10.20.0.0/24");
    }

    @Test
    @Order(4)
    void aSpoofingVmGetsNothingThrough() {
        assertThat(ping(VM2, "203.0.113.1")).as("control").isTrue();
        in(VM2, "ip", "addr", "add", "10.20.0.77/24", "dev", "eth0");
        assertThat(host.attempt(Command.of("busybox", "ping", "-c", "2", "-W", "2", "-I", "10.20.0.77", "203.0.113.1")
                .inNetns(VM2).withTimeout(Duration.ofSeconds(10))).ok()).as("from a foreign IP").isFalse();
        in(VM2, "ip", "addr", "del", "10.20.0.77/24", "dev", "eth0");
        in(VM2, "ip", "link", "set", "eth0", "address", "02:c7:00:00:00:99");
        in(VM2, "ip", "neigh", "flush", "all");
        assertThat(ping(VM2, "203.0.113.1")).as("from a foreign MAC").isFalse();
        in(VM2, "ip", "link", "set", "eth0", "address", port2.mac());
        assertThat(ping(VM2, "203.0.113.1")).as("own MAC and IP again").isTrue();
    }

    @Test
    @Order(5)
    void tablesChangedByHandAreRepairedByTheNextApply() {
        String routerNs = InterfaceNames.routerNamespace("crtn1", "crt-t", "net");
        in(routerNs, "nft", "flush", "chain", "ip", RouterNames.ROUTER_TABLE, "ingress");
        assertThat(fetch(OUT, FIP, 9999, "/")).as("opened by hand").isEqualTo("vm1 unopened");
        in(N1, "nft", "delete", "table", "bridge", RouterNames.antiSpoofTable(InterfaceNames.bridge("crt-t", "net")));

        RoutingReport repaired = router1.apply(routingN1(List.of(nic1, nic2)));

        assertThat(repaired.repairs()).containsExactlyInAnyOrder(
                "re-applied nft table ip cirrus-router in " + routerNs + " (was changed by hand)",
                "re-applied nft table bridge " + RouterNames.antiSpoofTable(InterfaceNames.bridge("crt-t", "net"))
                        + " in " + N1 + " (was missing)");
        assertThat(fetch(OUT, FIP, 9999, "/")).isNull();
        assertThat(fetch(OUT, FIP, 8080, "/")).isEqualTo("vm1");
        assertThat(router1.apply(routingN1(List.of(nic1, nic2))).actions()).isEmpty();
    }

    @Test
    @Order(6)
    void removingTheFloatingIpStopsTrafficAtOnce() {
        assertThat(ping(OUT, FIP)).isTrue();
        VmInterfaceDesired without = new VmInterfaceDesired(nic1.vmUid(), "eth0", nic1.tap(), nic1.mac(), nic1.ip(),
                Optional.empty(), false, List.of(), List.of());
        RoutingReport report = router1.apply(routingN1(List.of(without, nic2)));
        assertThat(report.failures()).isEmpty();
        assertThat(ping(OUT, FIP)).isFalse();
        assertThat(fetch(OUT, FIP, 8080, "/")).isNull();
        assertThat(fetch(VM1, "203.0.113.1", 80, "/cgi-bin/ip")).as("vm1 now leaves via SNAT").isEqualTo("203.0.113.11");
        assertThat(router1.apply(routingN1(List.of(nic1, nic2))).failures()).isEmpty();
        assertThat(fetch(OUT, FIP, 8080, "/")).isEqualTo("vm1");
    }

    @Test
    @Order(7)
    void movingTheVmToTheOtherNodeMovesItsFloatingIp() throws Exception {
        assertThat(fetch(OUT, FIP, 8080, "/")).isEqualTo("vm1");
        // vm1 leaves n1: the node removes its port and its floating IP.
        assertThat(overlay1.apply(overlayN1(List.of(port2))).failures()).isEmpty();
        assertThat(router1.apply(routingN1(List.of(nic2))).failures()).isEmpty();
        assertThat(fetch(OUT, FIP, 8080, "/")).isNull();
        // ... and comes up on n2 (its tap now there), which programs the port, then routing.
        attachVm(VM1, N2, port1);
        long start = System.nanoTime();
        NodeNetworkReport overlay = overlay2.apply(overlayN2(List.of(port1)));
        long routingStart = System.nanoTime();
        CompletableFuture<RoutingReport> routing = CompletableFuture.supplyAsync(() -> router2.apply(routingN2(List.of(nic1))));
        long reachable = -1;
        while (System.nanoTime() - routingStart < Duration.ofSeconds(20).toNanos()) {
            if ("vm1".equals(quickFetch(OUT, FIP, 8080))) {
                reachable = System.nanoTime();
                break;
            }
        }
        RoutingReport report = routing.get();
        assertThat(overlay.failures()).isEmpty();
        assertThat(report.failures()).isEmpty();
        assertThat(report.interfaces()).singleElement().satisfies(r -> assertThat(r.ready()).isTrue());
        assertThat(reachable).as("floating IP reachable again on n2").isPositive();
        System.out.printf("RouterDataplaneIT: floating IP reachable from %s again %d ms after n2's routing apply started"
                + " (%d ms including n2's overlay apply)%n", OUT, (reachable - routingStart) / 1_000_000,
                (reachable - start) / 1_000_000);
        assertThat(fetch(VM1, "203.0.113.1", 80, "/cgi-bin/ip")).as("vm1 leaves with its floating IP from n2").isEqualTo(FIP);
        assertThat(fetch(OUT, FORWARD_IP, 8022, "/")).as("vm2's forward stayed on n1").isEqualTo("vm2");
    }

    @Test
    @Order(8)
    void whatNothingOwnsIsRemoved() {
        String routerNs = InterfaceNames.routerNamespace("crtn1", "crt-t", "net");
        RoutingReport report = router1.apply(new RoutingDesired("crtn1", Optional.of(N1), List.of(), List.of(), List.of()));
        assertThat(report.failures()).isEmpty();
        assertThat(namespaces()).doesNotContain(RouterNames.externalNamespace("crtn1", EXT));
        assertThat(host.attempt(Command.of("nft", "list", "table", "ip", RouterNames.ROUTER_TABLE).inNetns(routerNs)).ok()).isFalse();
        assertThat(host.attempt(Command.of("ip", "link", "show", RouterNames.routerSide("crt-t/net")).inNetns(routerNs)).ok()).isFalse();
        assertThat(host.attempt(Command.of("ip", "link", "show", RouterNames.uplinkOutside(EXT)).inNetns(N1)).ok()).isFalse();
        assertThat(host.run(Command.of("nft", "list", "tables", "bridge").inNetns(N1)).stdout()).doesNotContain("cirrus-as-");
        assertThat(fetch(OUT, FIP, 8080, "/")).as("n2 unaffected").isEqualTo("vm1");
    }

    // ---- desired state ------------------------------------------------------------------------

    private NodeNetworkDesired overlayN1(List<PortDesired> ports) {
        return new NodeNetworkDesired("crtn1", Optional.of(N1), "10.98.0.1", 1500, List.of(network(ports)));
    }

    private NodeNetworkDesired overlayN2(List<PortDesired> ports) {
        return new NodeNetworkDesired("crtn2", Optional.of(N2), "10.98.0.2", 1500, List.of(network(ports)));
    }

    private static NetworkDesired network(List<PortDesired> ports) {
        return new NetworkDesired("crt-t", "net", VNI, "10.20.0.0/24", "10.20.0.1", Optional.empty(), false,
                Optional.empty(), Optional.empty(), List.of(), Optional.empty(), "vxlan", List.of("10.98.0.1", "10.98.0.2"),
                ports);
    }

    private RoutingDesired routingN1(List<VmInterfaceDesired> nics) {
        return routing("crtn1", N1, "203.0.113.11", nics);
    }

    private RoutingDesired routingN2(List<VmInterfaceDesired> nics) {
        return routing("crtn2", N2, "203.0.113.12", nics);
    }

    private static RoutingDesired routing(String node, String netns, String nodeAddress, List<VmInterfaceDesired> nics) {
        RoutedNetworkDesired routed = new RoutedNetworkDesired("crt-t/net", EXT,
                InterfaceNames.routerNamespace(node, "crt-t", "net"), InterfaceNames.routerInside("crt-t", "net"),
                LinkLocalPair.preferred(VNI), true, nics);
        BridgePortsDesired bridge = new BridgePortsDesired(InterfaceNames.bridge("crt-t", "net"),
                nics.stream().map(n -> new BridgePortsDesired.Port(n.tap(), n.mac(), n.ip())).toList());
        return new RoutingDesired(node, Optional.of(netns),
                List.of(new ExternalDesired(EXT, UPLINK, nodeAddress, 24, "203.0.113.1")), List.of(routed), List.of(bridge));
    }

    private static PortDesired port(String vm, String mac, String ip) {
        return new PortDesired("crt-t", vm, "crt-uid-" + vm, "eth0", mac, ip, vm);
    }

    private static String tap(PortDesired port) {
        return InterfaceNames.tap(port.vmUid(), port.interfaceName());
    }

    // ---- topology helpers ---------------------------------------------------------------------

    /** A VM's NIC: the node end carries the tap name; the VM side gets the port's MAC, IP and gateway. */
    private void attachVm(String vm, String node, PortDesired port) {
        in(node, "ip", "link", "add", tap(port), "type", "veth", "peer", "name", "eth0", "netns", vm);
        in(vm, "ip", "link", "set", "eth0", "address", port.mac(), "mtu", "1450", "up");
        in(vm, "ip", "addr", "add", port.ip() + "/24", "dev", "eth0");
        in(vm, "ip", "route", "add", "default", "via", "10.20.0.1");
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
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> host.run(
                Command.of("ss", "-ltn").inNetns(netns)).stdout().contains(":" + port + " "));
        return process;
    }

    private void in(String netns, String... argv) {
        host.run(Command.of(argv).inNetns(netns));
    }

    // ---- probes -------------------------------------------------------------------------------

    private boolean ping(String from, String ip) {
        return host.attempt(Command.of("busybox", "ping", "-c", "2", "-W", "2", ip).inNetns(from)
                .withTimeout(Duration.ofSeconds(10))).ok();
    }

    /** The body, or null when nothing answered. */
    private String fetch(String from, String ip, int port, String path) {
        return fetch(from, ip, port, path, 3);
    }

    private String fetch(String from, String ip, int port, String path, int timeoutSeconds) {
        // curl, not busybox wget (which segfaults on these machines)
        CommandResult result = host.attempt(Command.of("curl", "-sf", "--noproxy", "*", "--max-time",
                Integer.toString(timeoutSeconds), "http://" + ip + ":" + port + path).inNetns(from)
                .withTimeout(Duration.ofSeconds(timeoutSeconds + 5L)));
        // busybox httpd gives CGIs IPv4 clients as "[::ffff:a.b.c.d]"
        return result.ok() ? result.stdout().strip().replace("[::ffff:", "").replace("]", "") : null;
    }

    /** A fresh connection attempt every ~0.3 s: the move is timed by this probe's resolution, not TCP's 1 s SYN retry. */
    private String quickFetch(String from, String ip, int port) {
        CommandResult result = host.attempt(Command.of("curl", "-sf", "--noproxy", "*", "--connect-timeout", "0.3",
                "--max-time", "2", "http://" + ip + ":" + port + "/").inNetns(from).withTimeout(Duration.ofSeconds(5)));
        return result.ok() ? result.stdout().strip() : null;
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
}
