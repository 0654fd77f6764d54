package dev.cirrus.node.network;

import static dev.cirrus.node.network.Fixtures.network;
import static dev.cirrus.node.network.Fixtures.node;
import static dev.cirrus.node.network.Fixtures.port;
import static dev.cirrus.node.network.OvsFixtures.BRIDGE;
import static dev.cirrus.node.network.OvsFixtures.PLANNER;
import static dev.cirrus.node.network.OvsFixtures.Node.converged;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class OvsNetworkPlannerTest {
    private static final PortDesired VM1 = port("uid-1", "02:00:00:00:00:11", "10.20.0.11", "vm1");
    private static final PortDesired VM2 = port("uid-2", "02:00:00:00:00:12", "10.20.0.12", "vm2");
    private static final NetworkDesired GREEN = geneve(network("green", "net", 5001, List.of("10.99.0.1", "10.99.0.2"),
            List.of(VM1)));
    private static final NodeNetworkDesired ONE = node(GREEN);
    private static final NetworkLayout L = PLANNER.layout(ONE, GREEN);
    private static final String TAP1 = InterfaceNames.tap("uid-1", "eth0");
    private static final String TAP2 = InterfaceNames.tap("uid-2", "eth0");
    private static final String TUNNEL2 = InterfaceNames.tunnel("green", "net", "10.99.0.2");
    private static final String TUNNEL3 = InterfaceNames.tunnel("green", "net", "10.99.0.3");
    private static final String GENEVE2 = "geneve {key=5001, remote_ip=10.99.0.2} protected";

    record Case(String name, NodeNetworkDesired desired, OvsFixtures.Node node, List<String> plan, List<String> repairs) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> cases() {
        List<Case> cases = new ArrayList<>();
        cases.add(new Case("matching node: empty plan", ONE, converged(ONE), List.of(), List.of()));

        cases.add(new Case("new network on an empty node", ONE, new OvsFixtures.Node(), List.of(
                "ensure bridge cirrus-int datapath_type=netdev",
                "create router namespace " + L.routerNamespace(),
                "configure gateway 10.20.0.1/24 (02:c1:00:00:13:89) on " + L.routerInside() + " in " + L.routerNamespace(),
                "add port " + L.routerOutside() + " tag 1 on " + BRIDGE,
                "add port " + TUNNEL2 + " tag 1 " + GENEVE2 + " on " + BRIDGE,
                "write dnsmasq config " + L.dnsmasq().config(),
                "(re)start dnsmasq in " + L.routerNamespace(),
                "ensure tap " + TAP1 + " mtu 1450 up, tx offload off",
                "add port " + TAP1 + " tag 1 on " + BRIDGE,
                "install flows on " + BRIDGE + " (1 tunnel guards, 1 port guards)"), List.of()));

        NodeNetworkDesired joined = node(withPeers(GREEN, "10.99.0.1", "10.99.0.2", "10.99.0.3"));
        cases.add(new Case("a peer joins: one more tunnel and its guards, no repair", joined, converged(ONE), List.of(
                "add port " + TUNNEL3 + " tag 1 geneve {key=5001, remote_ip=10.99.0.3} protected on " + BRIDGE,
                "install flows on " + BRIDGE + " (2 tunnel guards, 1 port guards)"), List.of()));

        cases.add(new Case("a peer leaves: its tunnel is collected, no repair", ONE, converged(joined), List.of(
                "delete port " + TUNNEL3 + " from " + BRIDGE,
                "install flows on " + BRIDGE + " (1 tunnel guards, 1 port guards)"), List.of()));

        NodeNetworkDesired two = node(withPorts(GREEN, VM1, VM2));
        cases.add(new Case("a VM moved away: its port and tap are collected, its reservation dropped", ONE,
                converged(two), List.of(
                "delete port " + TAP2 + " from " + BRIDGE,
                "delete link " + TAP2,
                "write dnsmasq config " + L.dnsmasq().config(),
                "(re)start dnsmasq in " + L.routerNamespace(),
                "install flows on " + BRIDGE + " (1 tunnel guards, 1 port guards)"), List.of()));

        cases.add(new Case("network removed: ports, links, router and dnsmasq collected", node(), converged(ONE), List.of(
                "delete port " + L.routerOutside() + " from " + BRIDGE,
                "delete port " + TAP1 + " from " + BRIDGE,
                "delete port " + TUNNEL2 + " from " + BRIDGE,
                "delete link " + L.routerOutside(),
                "delete link " + TAP1,
                "stop dnsmasq in " + L.routerNamespace(),
                "delete router namespace " + L.routerNamespace(),
                "install flows on " + BRIDGE + " (0 tunnel guards, 0 port guards)"), List.of()));

        cases.add(new Case("a tunnel port deleted by hand", ONE, converged(ONE).without(TUNNEL2), List.of(
                "add port " + TUNNEL2 + " tag 1 " + GENEVE2 + " on " + BRIDGE,
                "install flows on " + BRIDGE + " (1 tunnel guards, 1 port guards)"),
                List.of("re-added port " + TUNNEL2 + " on " + BRIDGE + " (was missing)")));

        cases.add(new Case("a tag changed by hand", ONE,
                converged(ONE).withPort(TAP1, p -> new OvsDb.Port(p.uuid(), p.name(), OptionalInt.of(9), false,
                        p.interfaceUuids(), p.externalIds())),
                List.of("set port " + TAP1 + " tag 1 on " + BRIDGE),
                List.of("re-configured port " + TAP1 + " on " + BRIDGE + " (was changed)")));

        cases.add(new Case("a tunnel no longer protected", ONE,
                converged(ONE).withPort(TUNNEL2, p -> new OvsDb.Port(p.uuid(), p.name(), p.tag(), false,
                        p.interfaceUuids(), p.externalIds())),
                List.of("set port " + TUNNEL2 + " tag 1 " + GENEVE2 + " on " + BRIDGE),
                List.of("re-configured port " + TUNNEL2 + " on " + BRIDGE + " (was changed)")));

        cases.add(new Case("vswitchd gave up on a port", ONE,
                converged(ONE).withInterface(TAP1, i -> new OvsDb.Interface(i.uuid(), i.name(), i.type(), i.options(),
                        OptionalInt.of(-1), Optional.of("could not open network device"), i.externalIds())),
                List.of("re-add port " + TAP1 + " tag 1 on " + BRIDGE,
                        "install flows on " + BRIDGE + " (1 tunnel guards, 1 port guards)"),
                List.of("re-attached port " + TAP1 + " on " + BRIDGE + " (its device was re-created or broken)")));

        OvsFixtures.Node tapGone = converged(ONE);
        tapGone.links.remove(TAP1);
        cases.add(new Case("a tap deleted by hand: re-created, its row re-added", ONE, tapGone, List.of(
                "ensure tap " + TAP1 + " mtu 1450 up, tx offload off",
                "re-add port " + TAP1 + " tag 1 on " + BRIDGE,
                "install flows on " + BRIDGE + " (1 tunnel guards, 1 port guards)"),
                List.of("re-created tap " + TAP1 + " (was missing)",
                        "re-attached port " + TAP1 + " on " + BRIDGE + " (its device was re-created or broken)")));

        OvsFixtures.Node flowsGone = converged(ONE);
        flowsGone.flows = new HashSet<>(Set.of("priority=0 actions=NORMAL"));
        cases.add(new Case("flows reset (vswitchd restarted)", ONE, flowsGone,
                List.of("install flows on " + BRIDGE + " (1 tunnel guards, 1 port guards)"),
                List.of("re-installed flows on " + BRIDGE + " (were missing or changed)")));

        OvsFixtures.Node userspaceLost = converged(ONE);
        userspaceLost.bridges.put(BRIDGE, new OvsDb.Bridge(BRIDGE, "", Set.of(), Map.of()));
        cases.add(new Case("bridge without its datapath type", ONE, userspaceLost,
                List.of("ensure bridge cirrus-int datapath_type=netdev"),
                List.of("re-created bridge cirrus-int (was misconfigured)")));

        OvsFixtures.Node foreign = converged(ONE);
        foreign.addPort("eth7", 7, "", Map.of(), Map.of("owner", "someone"), false, 99);
        foreign.link("eth7", 1500);
        cases.add(new Case("a foreign port on the bridge is left alone", ONE, foreign, List.of(), List.of()));

        OvsFixtures.Node intruder = converged(ONE);
        intruder.addPort("eth7", 1, "", Map.of(), Map.of("owner", "someone"), false, 99);
        cases.add(new Case("a foreign port on a network's tag: the network moves away from it", ONE, intruder, List.of(
                "set port " + L.routerOutside() + " tag 2 on " + BRIDGE,
                "set port " + TUNNEL2 + " tag 2 " + GENEVE2 + " on " + BRIDGE,
                "set port " + TAP1 + " tag 2 on " + BRIDGE), List.of(
                "re-configured port " + L.routerOutside() + " on " + BRIDGE + " (was changed)",
                "re-configured port " + TUNNEL2 + " on " + BRIDGE + " (was changed)",
                "re-configured port " + TAP1 + " on " + BRIDGE + " (was changed)")));
        return cases.stream().map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void plans(Case c) {
        OvsObserved observed = c.node().observed();
        List<OvsAction> plan = PLANNER.plan(c.desired(), observed);
        assertThat(plan.stream().map(OvsAction::describe).toList()).containsExactlyElementsOf(c.plan());
        assertThat(OvsRepairs.describe(plan, observed)).containsExactlyElementsOf(c.repairs());
    }

    @Test
    void bothEncapsulationsAreProgrammedAndUnknownOnesReported() {
        assertThat(OvsNetworkPlanner.unsupported(GREEN)).isEmpty();
        assertThat(OvsNetworkPlanner.unsupported(network("green", "net", 5001, List.of(), List.of()))).isEmpty();
        NetworkDesired gre = withEncapsulation(GREEN, "gre");
        assertThat(OvsNetworkPlanner.unsupported(gre)).hasValueSatisfying(m -> assertThat(m).contains("gre"));
        assertThat(PLANNER.plan(node(gre), new OvsFixtures.Node().observed()))
                .extracting(OvsAction::describe).containsExactly("ensure bridge cirrus-int datapath_type=netdev",
                        "install flows on " + BRIDGE + " (0 tunnel guards, 0 port guards)");
    }

    @Test
    void everyTunnelIsProtectedAndEveryPortNamesItsOwner() {
        NodeNetworkDesired desired = node(withPeers(GREEN, "10.99.0.2", "10.99.0.3"));
        Map<String, OvsPortSpec> specs = PLANNER.ports(desired, PLANNER.tags(desired, OvsDb.EMPTY));
        assertThat(specs.values()).allSatisfy(s -> {
            assertThat(s.externalIds()).containsEntry(OvsPortSpec.NETWORK, "green/net");
            assertThat(s.isProtected()).isEqualTo(s.isTunnel());
        });
        assertThat(specs.get(TAP1).externalIds()).containsEntry(OvsPortSpec.VM, "uid-1");
        assertThat(specs.get(TUNNEL3).options()).isEqualTo(Map.of("remote_ip", "10.99.0.3", "key", "5001"));
    }

    private static NetworkDesired geneve(NetworkDesired n) {
        return withEncapsulation(n, "geneve");
    }

    private static NetworkDesired withEncapsulation(NetworkDesired n, String encapsulation) {
        return new NetworkDesired(n.namespace(), n.name(), n.vni(), n.cidr(), n.gatewayIp(), n.mtu(), n.dhcp(),
                n.dhcpRangeStart(), n.dhcpRangeEnd(), n.dnsServers(), n.searchDomain(), encapsulation,
                n.peerUnderlayIps(), n.ports());
    }

    private static NetworkDesired withPeers(NetworkDesired n, String... peers) {
        return new NetworkDesired(n.namespace(), n.name(), n.vni(), n.cidr(), n.gatewayIp(), n.mtu(), n.dhcp(),
                n.dhcpRangeStart(), n.dhcpRangeEnd(), n.dnsServers(), n.searchDomain(), n.encapsulation(),
                List.of(peers), n.ports());
    }

    private static NetworkDesired withPorts(NetworkDesired n, PortDesired... ports) {
        return new NetworkDesired(n.namespace(), n.name(), n.vni(), n.cidr(), n.gatewayIp(), n.mtu(), n.dhcp(),
                n.dhcpRangeStart(), n.dhcpRangeEnd(), n.dnsServers(), n.searchDomain(), n.encapsulation(),
                n.peerUnderlayIps(), List.of(ports));
    }
}
