package dev.cirrus.node.network;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.UnaryOperator;

import dev.cirrus.node.network.ObservedNode.Dnsmasq;
import dev.cirrus.node.network.ObservedNode.Link;

/** A mutable node as the OVS backend would leave it, for pure planner tests. */
final class OvsFixtures {
    static final OvsSettings SETTINGS = OvsSettings.of(Path.of("/run/ovs-n1"), "netdev");
    static final OvsNetworkPlanner PLANNER = new OvsNetworkPlanner(Fixtures.STATE, SETTINGS);
    static final String BRIDGE = OvsSettings.INTEGRATION_BRIDGE;

    private OvsFixtures() {
    }

    static final class Node {
        final Map<String, OvsDb.Bridge> bridges = new HashMap<>();
        final Map<String, OvsDb.Port> ports = new HashMap<>();
        final Map<String, OvsDb.Interface> interfaces = new HashMap<>();
        Set<String> flows = new HashSet<>();
        final Map<String, Link> links = new HashMap<>();
        final Set<String> namespaces = new HashSet<>();
        final Map<String, Map<String, Link>> gateways = new HashMap<>();
        final Map<String, Dnsmasq> dnsmasq = new HashMap<>();
        OvsRecordedState recorded = OvsRecordedState.EMPTY;
        private int ofport = 1;

        /** The node exactly as the OVS backend leaves it for {@code desired}. */
        static Node converged(NodeNetworkDesired desired) {
            Node node = new Node();
            node.bridges.put(BRIDGE, new OvsDb.Bridge(BRIDGE, "netdev", Set.of(), Map.of()));
            node.addPort(BRIDGE, 0, "internal", Map.of(), Map.of(), false, 65534);
            Map<String, Integer> tags = PLANNER.tags(desired, OvsDb.EMPTY);
            PLANNER.ports(desired, tags).values().forEach(node::addPort);
            for (NetworkDesired network : PLANNER.programmed(desired)) {
                NetworkLayout l = PLANNER.layout(desired, network);
                node.link(l.routerOutside(), l.mtu());
                network.ports().forEach(p -> node.link(InterfaceNames.tap(p.vmUid(), p.interfaceName()), l.mtu()));
                node.namespaces.add(l.routerNamespace());
                node.gateways.put(l.routerNamespace(), Map.of(l.routerInside(), new Link(l.routerInside(), 2, "veth",
                        Optional.empty(), l.mtu(), true, true, l.gatewayMac(), OptionalLong.empty(), Optional.empty(),
                        OptionalInt.empty(), List.of(l.gatewayCidr()))));
                node.dnsmasq.put(l.routerNamespace(),
                        new Dnsmasq(Optional.of(DnsmasqConfig.render(network, l)), OptionalInt.of(4242)));
            }
            node.flows = new HashSet<>(node.expectedFlows(desired));
            node.recorded = new OvsRecordedState(Set.of(BRIDGE), node.portNames(), node.links.keySet(), node.namespaces,
                    node.dnsmasq.keySet(), true);
            return node;
        }

        Set<String> expectedFlows(NodeNetworkDesired desired) {
            OvsDb db = db();
            return OvsFlows.render(PLANNER.guards(desired), PLANNER.portGuards(desired), OvsNetworkPlanner.ofports(db, db.portsOf(BRIDGE)));
        }

        void addPort(OvsPortSpec spec) {
            addPort(spec.name(), spec.tag(), spec.type(), spec.options(), spec.externalIds(), spec.isProtected(), ofport++);
        }

        void addPort(String name, int tag, String type, Map<String, String> options, Map<String, String> ids,
                boolean isProtected, int number) {
            ports.put(name, new OvsDb.Port("p-" + name, name, tag == 0 ? OptionalInt.empty() : OptionalInt.of(tag),
                    isProtected, Set.of("i-" + name), ids));
            interfaces.put(name, new OvsDb.Interface("i-" + name, name, type, options, OptionalInt.of(number),
                    Optional.empty(), Map.of()));
        }

        Node link(String name, int mtu) {
            links.put(name, new Link(name, links.size() + 10, "veth", Optional.of("ovs-system"), mtu, true, true,
                    "02:00:00:00:00:01", OptionalLong.empty(), Optional.empty(), OptionalInt.empty(), List.of()));
            return this;
        }

        Node withPort(String name, UnaryOperator<OvsDb.Port> change) {
            ports.put(name, change.apply(ports.get(name)));
            return this;
        }

        Node withInterface(String name, UnaryOperator<OvsDb.Interface> change) {
            interfaces.put(name, change.apply(interfaces.get(name)));
            return this;
        }

        Node without(String port) {
            ports.remove(port);
            interfaces.remove(port);
            return this;
        }

        Set<String> portNames() {
            return Set.copyOf(ports.keySet());
        }

        OvsDb db() {
            Map<String, OvsDb.Bridge> bs = new HashMap<>();
            Set<String> uuids = new HashSet<>();
            ports.values().forEach(p -> uuids.add(p.uuid()));
            bridges.forEach((name, b) -> bs.put(name, new OvsDb.Bridge(name, b.datapathType(), uuids, b.externalIds())));
            return new OvsDb(bs, ports, interfaces);
        }

        OvsObserved observed() {
            return new OvsObserved(db(), flows, links, namespaces, gateways, dnsmasq, recorded);
        }
    }
}
