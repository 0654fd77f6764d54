package dev.cirrus.node.network;

import static dev.cirrus.node.network.Fixtures.Host.converged;
import static dev.cirrus.node.network.Fixtures.network;
import static dev.cirrus.node.network.Fixtures.node;
import static dev.cirrus.node.network.Fixtures.port;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.cirrus.node.network.ObservedNode.Dnsmasq;

class NetworkPlannerTest {
    private static final NetworkPlanner PLANNER = new NetworkPlanner(Fixtures.STATE);
    private static final PortDesired VM1 = port("uid-1", "02:00:00:00:00:11", "10.20.0.11", "vm1");
    private static final PortDesired VM2 = port("uid-2", "02:00:00:00:00:12", "10.20.0.12", "vm2");
    private static final NetworkDesired GREEN = network("green", "net", 5001, List.of("10.99.0.1", "10.99.0.2"),
            List.of(VM1));
    private static final NodeNetworkDesired ONE = node(GREEN);
    private static final NetworkLayout L = PLANNER.layout(ONE, GREEN);
    private static final String TAP1 = InterfaceNames.tap("uid-1", "eth0");
    private static final String TAP2 = InterfaceNames.tap("uid-2", "eth0");

    record Case(String name, NodeNetworkDesired desired, Fixtures.Host host, List<String> expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> cases() {
        List<Case> cases = new ArrayList<>();
        cases.add(new Case("matching host: empty plan", ONE, converged(ONE), List.of()));

        NodeNetworkDesired empty = node();
        cases.add(new Case("new network on an empty host", ONE, converged(empty), List.of(
                "create bridge " + L.bridge() + " mtu 1450",
                "create vxlan " + L.vxlan() + " id 5001 local 10.99.0.1 mtu 1450 on " + L.bridge(),
                "add fdb peer 10.99.0.2 on " + L.vxlan(),
                "create router namespace " + L.routerNamespace(),
                "configure gateway 10.20.0.1/24 (02:c1:00:00:13:89) on " + L.routerInside() + " in " + L.routerNamespace(),
                "isolate gateway 10.20.0.1 (02:c1:00:00:13:89) from " + L.vxlan() + " (nft table bridge " + L.isolationTable() + ")",
                "write dnsmasq config " + L.dnsmasq().config(),
                "(re)start dnsmasq in " + L.routerNamespace(),
                "create tap " + TAP1 + " mtu 1450 on " + L.bridge())));

        cases.add(new Case("network removed: owned objects collected", empty, converged(ONE), List.of(
                "delete link " + L.routerOutside(),
                "delete link " + L.bridge(),
                "delete link " + TAP1,
                "delete link " + L.vxlan(),
                "stop dnsmasq in " + L.routerNamespace(),
                "delete router namespace " + L.routerNamespace(),
                "delete nft table bridge " + L.isolationTable()).stream().sorted(NetworkPlannerTest::gcOrder).toList()));

        NodeNetworkDesired joined = node(with(GREEN, List.of("10.99.0.1", "10.99.0.2", "10.99.0.3"), GREEN.ports()));
        cases.add(new Case("peer joins", joined, converged(ONE), List.of("add fdb peer 10.99.0.3 on " + L.vxlan())));
        NodeNetworkDesired left = node(with(GREEN, List.of("10.99.0.1"), GREEN.ports()));
        cases.add(new Case("peer leaves", left, converged(ONE), List.of("remove fdb peer 10.99.0.2 from " + L.vxlan())));

        NetworkDesired twoPorts = with(GREEN, GREEN.peerUnderlayIps(), List.of(VM1, VM2));
        NetworkLayout l2 = PLANNER.layout(node(twoPorts), twoPorts);
        cases.add(new Case("port added: tap and a DHCP reservation", node(twoPorts), converged(ONE), List.of(
                "write dnsmasq config " + l2.dnsmasq().config(),
                "(re)start dnsmasq in " + l2.routerNamespace(),
                "create tap " + TAP2 + " mtu 1450 on " + l2.bridge())));
        cases.add(new Case("VM moved away: its tap removed here", ONE, converged(node(twoPorts)), List.of(
                "delete link " + TAP2,
                "write dnsmasq config " + L.dnsmasq().config(),
                "(re)start dnsmasq in " + L.routerNamespace())));

        cases.add(new Case("drift: tap missing", ONE, drift(ONE, h -> h.links.remove(TAP1)),
                List.of("create tap " + TAP1 + " mtu 1450 on " + L.bridge())));
        cases.add(new Case("drift: tap detached from the bridge", ONE, drift(ONE, h -> h.detach(TAP1)),
                List.of("attach " + TAP1 + " to " + L.bridge())));
        cases.add(new Case("drift: tap down", ONE, drift(ONE, h -> h.down(TAP1)), List.of("set " + TAP1 + " up")));
        cases.add(new Case("drift: vxlan missing (its fdb entries went with it)", ONE, drift(ONE, h -> {
            h.links.remove(L.vxlan());
            h.fdb.remove(L.vxlan());
        }), List.of("create vxlan " + L.vxlan() + " id 5001 local 10.99.0.1 mtu 1450 on " + L.bridge(),
                "add fdb peer 10.99.0.2 on " + L.vxlan())));
        cases.add(new Case("drift: vxlan with a wrong VNI is replaced", ONE,
                drift(ONE, h -> h.vxlan(L.vxlan(), 7, "10.99.0.1", L.bridge(), 1450)),
                List.of("delete link " + L.vxlan(),
                        "create vxlan " + L.vxlan() + " id 5001 local 10.99.0.1 mtu 1450 on " + L.bridge(),
                        "add fdb peer 10.99.0.2 on " + L.vxlan())));
        cases.add(new Case("drift: fdb entry missing", ONE, drift(ONE, h -> h.fdb.put(L.vxlan(), java.util.Set.of())),
                List.of("add fdb peer 10.99.0.2 on " + L.vxlan())));
        cases.add(new Case("drift: bridge missing: ports re-attached", ONE, drift(ONE, h -> {
            h.links.remove(L.bridge());
            h.detach(L.vxlan()).detach(L.routerOutside()).detach(TAP1);
        }), List.of("create bridge " + L.bridge() + " mtu 1450",
                "attach " + L.vxlan() + " to " + L.bridge(),
                "attach " + L.routerOutside() + " to " + L.bridge(),
                "attach " + TAP1 + " to " + L.bridge())));
        cases.add(new Case("drift: dnsmasq dead", ONE, drift(ONE, h -> h.dnsmasq.put(L.routerNamespace(),
                new Dnsmasq(h.dnsmasq.get(L.routerNamespace()).config(), OptionalInt.empty()))),
                List.of("(re)start dnsmasq in " + L.routerNamespace())));
        cases.add(new Case("drift: router namespace gone", ONE, drift(ONE, h -> {
            h.namespaces.remove(L.routerNamespace());
            h.gateways.remove(L.routerNamespace());
            h.links.remove(L.routerOutside());
        }), List.of("create router namespace " + L.routerNamespace(),
                "configure gateway 10.20.0.1/24 (02:c1:00:00:13:89) on " + L.routerInside() + " in " + L.routerNamespace(),
                "(re)start dnsmasq in " + L.routerNamespace())));
        cases.add(new Case("drift: isolation table gone", ONE, drift(ONE, h -> h.tables.clear()), List.of(
                "isolate gateway 10.20.0.1 (02:c1:00:00:13:89) from " + L.vxlan() + " (nft table bridge " + L.isolationTable() + ")")));
        cases.add(new Case("leftover owned device is deleted", ONE,
                drift(ONE, h -> h.link("ct0123456789ab", "tun", null, 1500)), List.of("delete link ct0123456789ab")));
        cases.add(new Case("devices without the Cirrus naming scheme are never touched", ONE, drift(ONE, h -> {
            h.link("eth0", "", null, 1500).link("cbr0", "bridge", null, 1500).link("ct-foo", "tun", null, 1500)
                    .link("docker0", "bridge", null, 1500);
            h.namespaces.add("cirrus-r-n2-0123abcd");
            h.namespaces.add("other");
            h.tables.add("filter");
        }), List.of()));

        // Add/remove one network next to another: the other is not touched.
        NetworkDesired blue = network("blue", "net", 5002, List.of("10.99.0.1", "10.99.0.2"),
                List.of(port("uid-3", "02:00:00:00:00:13", "10.20.0.11", "vm3")));
        NetworkLayout lb = PLANNER.layout(node(GREEN, blue), blue);
        String tap3 = InterfaceNames.tap("uid-3", "eth0");
        cases.add(new Case("second network added: only its objects", node(GREEN, blue), converged(ONE), List.of(
                "create bridge " + lb.bridge() + " mtu 1450",
                "create vxlan " + lb.vxlan() + " id 5002 local 10.99.0.1 mtu 1450 on " + lb.bridge(),
                "add fdb peer 10.99.0.2 on " + lb.vxlan(),
                "create router namespace " + lb.routerNamespace(),
                "configure gateway 10.20.0.1/24 (02:c1:00:00:13:8a) on " + lb.routerInside() + " in " + lb.routerNamespace(),
                "isolate gateway 10.20.0.1 (02:c1:00:00:13:8a) from " + lb.vxlan() + " (nft table bridge " + lb.isolationTable() + ")",
                "write dnsmasq config " + lb.dnsmasq().config(),
                "(re)start dnsmasq in " + lb.routerNamespace(),
                "create tap " + tap3 + " mtu 1450 on " + lb.bridge())));
        cases.add(new Case("one of two networks removed: only its objects collected", ONE, converged(node(GREEN, blue)),
                List.of("delete link " + lb.routerOutside(),
                        "delete link " + lb.bridge(),
                        "delete link " + tap3,
                        "delete link " + lb.vxlan(),
                        "stop dnsmasq in " + lb.routerNamespace(),
                        "delete router namespace " + lb.routerNamespace(),
                        "delete nft table bridge " + lb.isolationTable()).stream().sorted(NetworkPlannerTest::gcOrder).toList()));

        cases.add(new Case("one peer joins as another leaves", node(with(GREEN, List.of("10.99.0.1", "10.99.0.3"),
                GREEN.ports())), converged(ONE), List.of("add fdb peer 10.99.0.3 on " + L.vxlan(),
                "remove fdb peer 10.99.0.2 from " + L.vxlan())));
        cases.add(new Case("the last peer leaves: the network stays for the local VMs",
                node(with(GREEN, List.of(), GREEN.ports())), converged(ONE),
                List.of("remove fdb peer 10.99.0.2 from " + L.vxlan())));

        NetworkDesired movedIn = with(GREEN, GREEN.peerUnderlayIps(), List.of(VM1, VM2));
        NetworkDesired movedOut = with(GREEN, GREEN.peerUnderlayIps(), List.of(VM1), List.of(VM1, VM2));
        cases.add(new Case("VM moved away but still in the network: tap and reservation go, its name stays",
                node(movedOut), converged(node(movedIn)), List.of(
                        "delete link " + TAP2,
                        "write dnsmasq config " + L.dnsmasq().config(),
                        "(re)start dnsmasq in " + L.routerNamespace())));
        cases.add(new Case("a VM on another node joins the network: only the DNS names change", node(movedOut),
                converged(ONE), List.of("write dnsmasq config " + L.dnsmasq().config(),
                        "(re)start dnsmasq in " + L.routerNamespace())));
        cases.add(new Case("the last VM of the network leaves the node: the whole network is collected", empty,
                converged(node(with(GREEN, List.of("10.99.0.2"), List.of(VM1)))), List.of(
                "delete link " + L.routerOutside(),
                "delete link " + L.bridge(),
                "delete link " + TAP1,
                "delete link " + L.vxlan(),
                "stop dnsmasq in " + L.routerNamespace(),
                "delete router namespace " + L.routerNamespace(),
                "delete nft table bridge " + L.isolationTable()).stream().sorted(NetworkPlannerTest::gcOrder).toList()));

        cases.add(new Case("drift: tap with a wrong MTU", ONE, drift(ONE, h -> h.mtu(TAP1, 1500)),
                List.of("set " + TAP1 + " mtu 1450")));
        cases.add(new Case("drift: bridge down", ONE, drift(ONE, h -> h.down(L.bridge())),
                List.of("set " + L.bridge() + " up")));
        cases.add(new Case("drift: vxlan down", ONE, drift(ONE, h -> h.down(L.vxlan())),
                List.of("set " + L.vxlan() + " up")));
        cases.add(new Case("drift: vxlan on the wrong underlay address is replaced", ONE,
                drift(ONE, h -> h.vxlan(L.vxlan(), 5001, "10.99.0.9", L.bridge(), 1450)),
                List.of("delete link " + L.vxlan(),
                        "create vxlan " + L.vxlan() + " id 5001 local 10.99.0.1 mtu 1450 on " + L.bridge(),
                        "add fdb peer 10.99.0.2 on " + L.vxlan())));
        cases.add(new Case("drift: a stray fdb peer is removed", ONE,
                drift(ONE, h -> h.fdb.put(L.vxlan(), java.util.Set.of("10.99.0.2", "10.99.0.7"))),
                List.of("remove fdb peer 10.99.0.7 from " + L.vxlan())));
        cases.add(new Case("drift: gateway address changed by hand: gateway and dnsmasq redone", ONE, drift(ONE, h -> {
            ObservedNode.Link in = h.gateways.get(L.routerNamespace()).get(L.routerInside());
            h.gateways.get(L.routerNamespace()).put(L.routerInside(), new ObservedNode.Link(in.name(), in.ifindex(),
                    in.kind(), in.master(), in.mtu(), true, true, in.mac(), in.vni(), in.local(), in.dstPort(),
                    List.of("10.20.0.254/24")));
        }), List.of("configure gateway 10.20.0.1/24 (02:c1:00:00:13:89) on " + L.routerInside() + " in " + L.routerNamespace(),
                "(re)start dnsmasq in " + L.routerNamespace())));
        cases.add(new Case("drift: dnsmasq config edited by hand is rewritten", ONE, drift(ONE, h -> h.dnsmasq.put(
                L.routerNamespace(), new Dnsmasq(Optional.of("# edited\n"), OptionalInt.of(4242)))),
                List.of("write dnsmasq config " + L.dnsmasq().config(), "(re)start dnsmasq in " + L.routerNamespace())));
        cases.add(new Case("drift: a dnsmasq pinning a deleted namespace of a removed network is stopped", ONE,
                drift(ONE, h -> h.dnsmasq.put(lb.routerNamespace(), new Dnsmasq(Optional.of("x"), OptionalInt.of(77)))),
                List.of("stop dnsmasq in " + lb.routerNamespace())));
        NetworkDesired noDhcp = new NetworkDesired(GREEN.namespace(), GREEN.name(), GREEN.vni(), GREEN.cidr(),
                GREEN.gatewayIp(), GREEN.mtu(), false, Optional.empty(), Optional.empty(), GREEN.dnsServers(),
                GREEN.searchDomain(), GREEN.encapsulation(), GREEN.peerUnderlayIps(), GREEN.ports());
        cases.add(new Case("DHCP turned off: dnsmasq stopped", node(noDhcp), converged(ONE),
                List.of("stop dnsmasq in " + L.routerNamespace())));

        NetworkDesired geneve = new NetworkDesired("blue", "g", 6000, "10.30.0.0/24", "10.30.0.1", Optional.empty(),
                true, Optional.empty(), Optional.empty(), List.of(), Optional.empty(), "geneve", List.of(),
                List.of(port("uid-9", "02:00:00:00:00:99", "10.30.0.9", "g9")));
        cases.add(new Case("a geneve network is not programmed and disturbs nothing", node(GREEN, geneve),
                converged(ONE), List.of()));
        return cases.stream().map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void plans(Case c) {
        List<Action> plan = PLANNER.plan(c.desired(), c.host().observed());
        assertThat(Fixtures.Host.names(plan)).containsExactlyElementsOf(c.expected());
    }

    @Test
    void repairsAreOnlyForRecordedObjects() {
        Fixtures.Host drifted = drift(ONE, h -> h.links.remove(TAP1));
        List<Action> plan = PLANNER.plan(ONE, drifted.observed());
        assertThat(Repairs.describe(plan, drifted.observed())).containsExactly("re-created tap " + TAP1 + " (was missing)");
        assertThat(Repairs.of(plan, drifted.observed())).singleElement().satisfies(r -> {
            assertThat(r.kind()).isEqualTo("tap");
            assertThat(r.object()).isEqualTo(TAP1);
            assertThat(r.owner()).isEqualTo("uid-1/eth0");
            assertThat(r.vmUid()).contains("uid-1");
        });
        Fixtures.Host bridgeGone = drift(ONE, h -> h.links.remove(L.bridge()));
        assertThat(Repairs.of(PLANNER.plan(ONE, bridgeGone.observed()), bridgeGone.observed()))
                .extracting(Repair::kind, Repair::owner, r -> r.vmUid().orElse("-"))
                .contains(org.assertj.core.groups.Tuple.tuple("bridge", "green/net", "-"));

        Fixtures.Host fresh = converged(node());
        assertThat(Repairs.describe(PLANNER.plan(ONE, fresh.observed()), fresh.observed())).isEmpty();

        NodeNetworkDesired joined = node(with(GREEN, List.of("10.99.0.2", "10.99.0.3"), GREEN.ports()));
        Fixtures.Host host = converged(ONE);
        assertThat(Repairs.describe(PLANNER.plan(joined, host.observed()), host.observed())).isEmpty();
    }

    private static Fixtures.Host drift(NodeNetworkDesired desired, Consumer<Fixtures.Host> change) {
        Fixtures.Host host = converged(desired);
        change.accept(host);
        return host;
    }

    private static NetworkDesired with(NetworkDesired n, List<String> peers, List<PortDesired> ports) {
        return with(n, peers, ports, ports);
    }

    /** With DNS names for {@code named}: this node's ports and VMs on other nodes. */
    private static NetworkDesired with(NetworkDesired n, List<String> peers, List<PortDesired> ports,
            List<PortDesired> named) {
        return new NetworkDesired(n.namespace(), n.name(), n.vni(), n.cidr(), n.gatewayIp(), n.mtu(), n.dhcp(),
                n.dhcpRangeStart(), n.dhcpRangeEnd(), n.dnsServers(), n.searchDomain(), n.encapsulation(), peers, ports,
                HostRecord.of(named));
    }

    /** GC order: links by name, then namespaces, then tables (as the planner emits them). */
    private static int gcOrder(String a, String b) {
        return Integer.compare(rank(a), rank(b)) != 0 ? Integer.compare(rank(a), rank(b))
                : a.startsWith("delete link") ? a.compareTo(b) : 0;
    }

    private static int rank(String action) {
        return action.startsWith("delete link") ? 0 : action.startsWith("stop") ? 1 : action.startsWith("delete router") ? 2 : 3;
    }
}
