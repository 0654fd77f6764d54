package dev.cirrus.node.network;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.cirrus.node.host.Command;

/**
 * {@link LinuxNetworkDataplane} end to end against the in-memory {@link FakeHost}: observe → plan →
 * drivers → observe → report, with every host command the real backend would run, in milliseconds.
 * Node n1 (underlay 10.99.0.1) hosts tenant a (ports a1, t1) and tenant b (port b1), both
 * 10.20.0.0/24; n2 (10.99.0.2) is their tunnel peer.
 */
class LinuxNetworkDataplaneTest {
    private static final PortDesired A1 = port("tenant-a", "a1", "02:aa:00:00:00:11", "10.20.0.11");
    private static final PortDesired T1 = port("tenant-a", "t1", "02:aa:00:00:00:99", "10.20.0.99");
    private static final PortDesired B1 = port("tenant-b", "b1", "02:bb:00:00:00:11", "10.20.0.11");
    private static final List<String> PEERS = List.of("10.99.0.1", "10.99.0.2");
    private static final String BR_A = InterfaceNames.bridge("tenant-a", "a");
    private static final String VX_A = InterfaceNames.vxlan("tenant-a", "a");
    private static final String BR_B = InterfaceNames.bridge("tenant-b", "b");
    private static final String TAP_A1 = InterfaceNames.tap(A1.vmUid(), "eth0");
    private static final String TAP_T1 = InterfaceNames.tap(T1.vmUid(), "eth0");
    private static final String ROUTER_A = InterfaceNames.routerNamespace("n1", "tenant-a", "a");
    private static final String ROUTER_B = InterfaceNames.routerNamespace("n1", "tenant-b", "b");

    @TempDir
    Path state;
    private FakeHost host;
    private LinuxNetworkDataplane plane;

    @BeforeEach
    void host() {
        host = new FakeHost();
        plane = new LinuxNetworkDataplane(host, state);
    }

    @Test
    void theFirstApplyCreatesEverything() throws IOException {
        NodeNetworkReport report = plane.apply(node());

        assertThat(report.failures()).isEmpty();
        assertThat(report.repairs()).isEmpty();
        assertThat(report.networks()).allMatch(NetworkReport::ready);
        assertThat(report.ports()).allMatch(PortReport::ready).extracting(PortReport::linkState).containsOnly("down");
        FakeHost.Link vx = host.link(FakeHost.ROOT, VX_A).orElseThrow();
        assertThat(vx.kind).isEqualTo("vxlan");
        assertThat(vx.vni).isEqualTo(5001);
        assertThat(vx.local).isEqualTo("10.99.0.1");
        assertThat(vx.dstPort).isEqualTo(4789);
        assertThat(vx.master).isEqualTo(BR_A);
        assertThat(vx.floodPeers).containsExactly("10.99.0.2");
        for (String port : List.of(VX_A, TAP_A1, TAP_T1, InterfaceNames.routerOutside("tenant-a", "a"))) {
            FakeHost.Link l = host.link(FakeHost.ROOT, port).orElseThrow();
            assertThat(l.master).as(port).isEqualTo(BR_A);
            assertThat(l.mtu).as(port).isEqualTo(1450);
            assertThat(l.up).as(port).isTrue();
        }
        assertThat(host.link(FakeHost.ROOT, BR_A).orElseThrow().kind).isEqualTo("bridge");
        FakeHost.Link gateway = host.link(ROUTER_A, InterfaceNames.routerInside("tenant-a", "a")).orElseThrow();
        assertThat(gateway.cidrs).containsExactly("10.20.0.1/24");
        assertThat(gateway.mac).isEqualTo(NetworkLayout.gatewayMac(5001));
        assertThat(host.netns(FakeHost.ROOT).orElseThrow().nftTables)
                .containsExactlyInAnyOrder(InterfaceNames.isolationTable("tenant-a", "a"),
                        InterfaceNames.isolationTable("tenant-b", "b"));
        assertThat(host.dnsmasqIn(ROUTER_A)).hasSize(1);
        assertThat(host.dnsmasqIn(ROUTER_B)).hasSize(1);
        assertThat(Files.readString(state.resolve("dnsmasq").resolve(ROUTER_A + ".pid")).strip())
                .isEqualTo(Integer.toString(host.dnsmasqIn(ROUTER_A).get(0).pid()));
    }

    @Test
    void aSecondApplyAndARestartedDaemonChangeNothing() {
        plane.apply(node());
        host.clearLog();

        NodeNetworkReport again = plane.apply(node());
        NodeNetworkReport restarted = new LinuxNetworkDataplane(host, state).apply(node());

        assertThat(host.mutations()).isEmpty();
        assertThat(host.commands()).isNotEmpty(); // it did look
        for (NodeNetworkReport report : List.of(again, restarted)) {
            assertThat(report.actions()).isEmpty();
            assertThat(report.repairs()).isEmpty();
            assertThat(report.networks()).allMatch(NetworkReport::ready);
        }
    }

    record Drift(String name, Consumer<FakeHost> change, String repair) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> drifts() {
        List<Drift> drifts = new ArrayList<>();
        drifts.add(new Drift("tap deleted", h -> h.run("ip", "link", "delete", "dev", TAP_T1),
                "re-created tap " + TAP_T1 + " (was missing)"));
        drifts.add(new Drift("vxlan deleted", h -> h.run("ip", "link", "delete", "dev", VX_A),
                "re-created vxlan " + VX_A + " (was missing)"));
        drifts.add(new Drift("vxlan deleted: its fdb peers come back", h -> h.run("ip", "link", "delete", "dev", VX_A),
                "re-added fdb peer 10.99.0.2 on " + VX_A + " (was missing)"));
        drifts.add(new Drift("bridge deleted", h -> h.run("ip", "link", "delete", "dev", BR_B),
                "re-created bridge " + BR_B + " (was missing)"));
        drifts.add(new Drift("bridge deleted: its ports re-attached", h -> h.run("ip", "link", "delete", "dev", BR_A),
                "re-attached " + TAP_A1 + " to " + BR_A + " (was detached)"));
        drifts.add(new Drift("fdb peer missing",
                h -> h.run("bridge", "fdb", "del", "00:00:00:00:00:00", "dev", VX_A, "dst", "10.99.0.2"),
                "re-added fdb peer 10.99.0.2 on " + VX_A + " (was missing)"));
        drifts.add(new Drift("tap down", h -> h.run("ip", "link", "set", "dev", TAP_A1, "down"),
                "set " + TAP_A1 + " up (was down)"));
        drifts.add(new Drift("vxlan down", h -> h.run("ip", "link", "set", "dev", VX_A, "down"),
                "set " + VX_A + " up (was down)"));
        drifts.add(new Drift("wrong MTU", h -> h.run("ip", "link", "set", "dev", TAP_A1, "mtu", "1500"),
                "set " + TAP_A1 + " mtu 1450 (was 1500)"));
        drifts.add(new Drift("tap detached", h -> h.run("ip", "link", "set", "dev", TAP_A1, "nomaster"),
                "re-attached " + TAP_A1 + " to " + BR_A + " (was detached)"));
        drifts.add(new Drift("router namespace deleted", h -> h.run("ip", "netns", "delete", ROUTER_A),
                "re-created router namespace " + ROUTER_A + " (was missing)"));
        drifts.add(new Drift("gateway address removed", h -> h.run(Command.of("ip", "address", "del", "10.20.0.1/24",
                        "dev", InterfaceNames.routerInside("tenant-a", "a")).inNetns(ROUTER_A)),
                "re-configured gateway 10.20.0.1/24 on " + InterfaceNames.routerInside("tenant-a", "a")
                        + " (was missing or changed)"));
        drifts.add(new Drift("isolation table deleted",
                h -> h.run("nft", "delete", "table", "bridge", InterfaceNames.isolationTable("tenant-a", "a")),
                "re-created nft table bridge " + InterfaceNames.isolationTable("tenant-a", "a") + " (was missing)"));
        drifts.add(new Drift("dnsmasq dead",
                h -> h.run("kill", "-KILL", Integer.toString(h.dnsmasqIn(ROUTER_A).get(0).pid())),
                "restarted dnsmasq for tenant-a/a (was not running)"));
        return drifts.stream().map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("drifts")
    void driftIsRepairedAndReportedAsARepair(Drift drift) {
        plane.apply(node());
        drift.change().accept(host);

        NodeNetworkReport repaired = plane.apply(node());

        assertThat(repaired.repairs()).contains(drift.repair());
        assertThat(repaired.failures()).isEmpty();
        assertThat(repaired.networks()).allMatch(NetworkReport::ready);
        assertThat(repaired.ports()).allMatch(PortReport::ready);
        host.clearLog();
        assertThat(plane.apply(node()).actions()).isEmpty();
        assertThat(host.mutations()).isEmpty();
        assertThat(host.dnsmasqIn(ROUTER_A)).hasSize(1);
        // An old dnsmasq pinning a deleted namespace was stopped: one dnsmasq per network, no strays.
        assertThat(host.processes()).hasSize(2);
    }

    @Test
    void peersJoinAndLeaveWithOneFdbCommandEach() {
        plane.apply(node());
        host.clearLog();

        NodeNetworkReport joined = plane.apply(node(List.of("10.99.0.1", "10.99.0.2", "10.99.0.3")));

        assertThat(host.mutations()).containsExactly(
                "bridge fdb append 00:00:00:00:00:00 dev " + VX_A + " dst 10.99.0.3",
                "bridge fdb append 00:00:00:00:00:00 dev " + InterfaceNames.vxlan("tenant-b", "b") + " dst 10.99.0.3");
        assertThat(joined.repairs()).isEmpty();
        assertThat(host.link(FakeHost.ROOT, VX_A).orElseThrow().floodPeers).containsExactly("10.99.0.2", "10.99.0.3");

        host.clearLog();
        plane.apply(node(List.of("10.99.0.1", "10.99.0.3")));
        assertThat(host.mutations()).containsExactly(
                "bridge fdb del 00:00:00:00:00:00 dev " + VX_A + " dst 10.99.0.2",
                "bridge fdb del 00:00:00:00:00:00 dev " + InterfaceNames.vxlan("tenant-b", "b") + " dst 10.99.0.2");
        assertThat(host.link(FakeHost.ROOT, VX_A).orElseThrow().floodPeers).containsExactly("10.99.0.3");
    }

    @Test
    void vmsMovingAwayLeaveNothingBehind() throws IOException {
        plane.apply(node());
        int dnsmasqBefore = host.dnsmasqIn(ROUTER_A).get(0).pid();

        // t1 moved to another node: its tap goes, its reservation goes (dnsmasq restarted on the new config).
        NodeNetworkDesired withoutT1 = new NodeNetworkDesired("n1", Optional.empty(), "10.99.0.1", 1500,
                List.of(network("a", 5001, PEERS, List.of(A1)), network("b", 5002, PEERS, List.of(B1))));
        NodeNetworkReport moved = plane.apply(withoutT1);
        assertThat(moved.repairs()).isEmpty();
        assertThat(host.link(FakeHost.ROOT, TAP_T1)).isEmpty();
        assertThat(host.link(FakeHost.ROOT, TAP_A1)).isPresent();
        assertThat(Files.readString(state.resolve("dnsmasq").resolve(ROUTER_A + ".conf")))
                .contains(A1.mac()).doesNotContain(T1.mac());
        assertThat(host.dnsmasqIn(ROUTER_A)).singleElement().extracting(FakeHost.Process::pid).isNotEqualTo(dnsmasqBefore);

        // b1 moved too: tenant b has nothing left here, so nothing of it stays (garbage collection).
        NodeNetworkDesired onlyA = new NodeNetworkDesired("n1", Optional.empty(), "10.99.0.1", 1500,
                List.of(network("a", 5001, PEERS, List.of(A1))));
        NodeNetworkReport collected = plane.apply(onlyA);
        assertThat(collected.failures()).isEmpty();
        assertThat(host.netns(FakeHost.ROOT).orElseThrow().links.keySet()).noneMatch(l -> l.contains(BR_B.substring(2)))
                .doesNotContain(InterfaceNames.tap(B1.vmUid(), "eth0"));
        assertThat(host.namespaceNames()).doesNotContain(ROUTER_B);
        assertThat(host.netns(FakeHost.ROOT).orElseThrow().nftTables).containsExactly(InterfaceNames.isolationTable("tenant-a", "a"));
        assertThat(host.processes()).hasSize(1);
        host.clearLog();
        plane.apply(onlyA);
        assertThat(host.mutations()).isEmpty();
    }

    @Test
    void aFailingCommandFailsItsNetworkOnlyAndTheOthersAreApplied() {
        host.failWhen(c -> c.argv().contains(BR_B) && c.argv().contains("add"), "RTNETLINK answers: Operation not permitted");

        NodeNetworkReport report = plane.apply(node());

        assertThat(report.networks()).filteredOn(n -> n.name().equals("a")).singleElement()
                .satisfies(n -> assertThat(n.ready()).isTrue());
        assertThat(report.networks()).filteredOn(n -> n.name().equals("b")).singleElement().satisfies(n -> {
            assertThat(n.ready()).isFalse();
            assertThat(n.message()).contains("create bridge " + BR_B, "ip link add name " + BR_B,
                    "Operation not permitted");
        });
        // The bridge's failure and what builds on it (b1's tap), nothing of tenant a.
        assertThat(report.failures()).hasSize(2).allMatch(f -> f.startsWith("tenant-b/b: ") || f.startsWith("uid-b1/eth0: "));
        assertThat(report.ports()).filteredOn(p -> !p.vmUid().equals(B1.vmUid())).allMatch(PortReport::ready);
        assertThat(report.ports()).filteredOn(p -> p.vmUid().equals(B1.vmUid())).noneMatch(PortReport::ready);
        assertThat(host.dnsmasqIn(ROUTER_A)).hasSize(1);

        host.heal();
        NodeNetworkReport healed = plane.apply(node());
        assertThat(healed.networks()).allMatch(NetworkReport::ready);
        assertThat(healed.failures()).isEmpty();
    }

    @Test
    void aGeneveNetworkIsReportedAndNeverTouchesTheHost() {
        NetworkDesired geneve = new NetworkDesired("tenant-c", "c", 5003, "10.30.0.0/24", "10.30.0.1", Optional.empty(),
                true, Optional.empty(), Optional.empty(), List.of(), Optional.empty(), "geneve", List.of(),
                List.of(port("tenant-c", "c1", "02:cc:00:00:00:01", "10.30.0.11")));
        NodeNetworkReport report = plane.apply(new NodeNetworkDesired("n1", Optional.empty(), "10.99.0.1", 1500,
                List.of(geneve)));
        assertThat(report.networks()).singleElement().satisfies(n -> {
            assertThat(n.ready()).isFalse();
            assertThat(n.message()).isEqualTo(NetworkPlanner.GENEVE_UNAVAILABLE);
        });
        assertThat(host.mutations()).isEmpty();
    }

    // ---- topology -------------------------------------------------------------------------------

    private static NodeNetworkDesired node() {
        return node(PEERS);
    }

    private static NodeNetworkDesired node(List<String> peers) {
        return new NodeNetworkDesired("n1", Optional.empty(), "10.99.0.1", 1500,
                List.of(network("a", 5001, peers, List.of(A1, T1)), network("b", 5002, peers, List.of(B1))));
    }

    private static NetworkDesired network(String tenant, long vni, List<String> peers, List<PortDesired> ports) {
        return new NetworkDesired("tenant-" + tenant, tenant, vni, "10.20.0.0/24", "10.20.0.1", Optional.empty(), true,
                Optional.empty(), Optional.empty(), List.of(), Optional.of("tenant-" + tenant + ".cirrus.internal"),
                "vxlan", peers, ports);
    }

    private static PortDesired port(String namespace, String vm, String mac, String ip) {
        return new PortDesired(namespace, vm, "uid-" + vm, "eth0", mac, ip, vm);
    }
}
