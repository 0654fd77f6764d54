package dev.cirrus.node.network.router;

import java.util.List;
import java.util.Optional;

/** A small routed node for pure tests: one external network, one routed network, two VMs. */
final class RouterFixtures {
    static final String ROUTER_NS = "cirrus-r-n1-0badcafe";
    static final String EXTERNAL_NS = RouterNames.externalNamespace("n1", "public");

    private RouterFixtures() {
    }

    static VmInterfaceDesired floating() {
        return new VmInterfaceDesired("uid-web", "eth0", "ct0000000000a1", "02:aa:00:00:00:11", "10.20.0.11",
                Optional.of("203.0.113.50"), true, List.of(new PortForwardDesired("udp", 5353, 53, Optional.of("198.51.100.0/24"))),
                List.of(new FirewallRuleDesired("tcp", Optional.of("22"), Optional.of("198.51.100.0/24")),
                        new FirewallRuleDesired("tcp", Optional.of("8000-8100"), Optional.empty()),
                        new FirewallRuleDesired("udp", Optional.empty(), Optional.of("0.0.0.0/0")),
                        new FirewallRuleDesired("icmp", Optional.empty(), Optional.empty()),
                        new FirewallRuleDesired("any", Optional.empty(), Optional.of("192.0.2.7/32"))));
    }

    static VmInterfaceDesired forwarded() {
        return new VmInterfaceDesired("uid-db", "eth0", "ct0000000000a2", "02:aa:00:00:00:12", "10.20.0.12",
                Optional.of("203.0.113.51"), false, List.of(new PortForwardDesired("tcp", 2222, 22, Optional.empty())),
                List.of());
    }

    static VmInterfaceDesired internal() {
        return new VmInterfaceDesired("uid-worker", "eth0", "ct0000000000a3", "02:aa:00:00:00:13", "10.20.0.13",
                Optional.empty(), false, List.of(), List.of());
    }

    static RoutedNetworkDesired network(boolean snat, VmInterfaceDesired... nics) {
        return new RoutedNetworkDesired("green/web", "public", ROUTER_NS, "cg0000000000aa", new LinkLocalPair(300), snat,
                List.of(nics));
    }

    static ExternalDesired external() {
        return new ExternalDesired("public", "br-ex", "203.0.113.11", 24, "203.0.113.1");
    }

    static BridgePortsDesired bridge(VmInterfaceDesired... nics) {
        return new BridgePortsDesired("cb0000000000aa", List.of(nics).stream()
                .map(n -> new BridgePortsDesired.Port(n.tap(), n.mac(), n.ip())).toList());
    }

    static RoutingDesired node(RoutedNetworkDesired network) {
        return new RoutingDesired("n1", Optional.empty(), List.of(external()), List.of(network),
                List.of(bridge(network.interfaces().toArray(VmInterfaceDesired[]::new))));
    }
}
