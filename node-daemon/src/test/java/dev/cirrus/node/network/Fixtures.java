package dev.cirrus.node.network;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;

import dev.cirrus.node.network.ObservedNode.Dnsmasq;
import dev.cirrus.node.network.ObservedNode.Link;

/** Desired states and the host each would leave behind once converged, for pure tests. */
final class Fixtures {
    static final Path STATE = Path.of("/var/lib/cirrus/n1");

    private Fixtures() {
    }

    static PortDesired port(String uid, String mac, String ip, String hostname) {
        return new PortDesired("green", hostname, uid, "eth0", mac, ip, hostname);
    }

    static NetworkDesired network(String ns, String name, long vni, List<String> peers, List<PortDesired> ports) {
        return new NetworkDesired(ns, name, vni, "10.20.0.0/24", "10.20.0.1", Optional.empty(), true,
                Optional.empty(), Optional.empty(), List.of("9.9.9.9"), Optional.of(ns + ".cirrus.internal"), "vxlan",
                peers, ports);
    }

    static NodeNetworkDesired node(NetworkDesired... networks) {
        return new NodeNetworkDesired("n1", Optional.empty(), "10.99.0.1", 1500, List.of(networks));
    }

    /** A mutable host that a test shapes, then freezes into an {@link ObservedNode}. */
    static final class Host {
        final Map<String, Link> links = new HashMap<>();
        final Map<String, Set<String>> fdb = new HashMap<>();
        final Set<String> namespaces = new HashSet<>();
        final Map<String, Map<String, Link>> gateways = new HashMap<>();
        final Map<String, Dnsmasq> dnsmasq = new HashMap<>();
        final Set<String> tables = new HashSet<>();
        RecordedState recorded = RecordedState.EMPTY;
        private int ifindex = 10;

        /** The host exactly as the Linux backend leaves it for {@code desired}. */
        static Host converged(NodeNetworkDesired desired) {
            Host host = new Host();
            NetworkPlanner planner = new NetworkPlanner(STATE);
            for (NetworkDesired network : desired.networks()) {
                if (NetworkPlanner.unsupported(network).isPresent()) {
                    continue;
                }
                NetworkLayout l = planner.layout(desired, network);
                host.link(l.bridge(), "bridge", null, l.mtu());
                host.vxlan(l.vxlan(), network.vni(), desired.underlayIp(), l.bridge(), l.mtu());
                Set<String> peers = new HashSet<>(network.peerUnderlayIps());
                peers.remove(desired.underlayIp());
                host.fdb.put(l.vxlan(), peers);
                host.namespaces.add(l.routerNamespace());
                host.link(l.routerOutside(), "veth", l.bridge(), l.mtu());
                host.gateways.put(l.routerNamespace(), new HashMap<>(Map.of(l.routerInside(),
                        new Link(l.routerInside(), 2, "veth", Optional.empty(), l.mtu(), true, true, l.gatewayMac(),
                                OptionalLong.empty(), Optional.empty(), OptionalInt.empty(), List.of(l.gatewayCidr())))));
                host.tables.add(l.isolationTable());
                host.dnsmasq.put(l.routerNamespace(),
                        new Dnsmasq(Optional.of(DnsmasqConfig.render(network, l)), OptionalInt.of(4242)));
                for (PortDesired p : network.ports()) {
                    host.link(InterfaceNames.tap(p.vmUid(), p.interfaceName()), "tun", l.bridge(), l.mtu());
                }
            }
            host.recorded = new RecordedState(host.links.keySet(), host.fdb, host.namespaces,
                    host.dnsmasq.keySet(), host.tables);
            return host;
        }

        Host link(String name, String kind, String master, int mtu) {
            links.put(name, new Link(name, ifindex++, kind, Optional.ofNullable(master), mtu, true, true,
                    "02:00:00:00:00:" + String.format("%02x", ifindex), OptionalLong.empty(), Optional.empty(),
                    OptionalInt.empty(), List.of()));
            return this;
        }

        Host vxlan(String name, long vni, String local, String master, int mtu) {
            links.put(name, new Link(name, ifindex++, "vxlan", Optional.ofNullable(master), mtu, true, true,
                    "02:00:00:00:01:00", OptionalLong.of(vni), Optional.of(local), OptionalInt.of(4789), List.of()));
            return this;
        }

        Host detach(String name) {
            Link l = links.get(name);
            links.put(name, new Link(l.name(), l.ifindex(), l.kind(), Optional.empty(), l.mtu(), l.adminUp(),
                    l.lowerUp(), l.mac(), l.vni(), l.local(), l.dstPort(), l.ipv4Cidrs()));
            return this;
        }

        Host down(String name) {
            Link l = links.get(name);
            links.put(name, new Link(l.name(), l.ifindex(), l.kind(), l.master(), l.mtu(), false, false, l.mac(),
                    l.vni(), l.local(), l.dstPort(), l.ipv4Cidrs()));
            return this;
        }

        Host mtu(String name, int mtu) {
            Link l = links.get(name);
            links.put(name, new Link(l.name(), l.ifindex(), l.kind(), l.master(), mtu, l.adminUp(), l.lowerUp(), l.mac(),
                    l.vni(), l.local(), l.dstPort(), l.ipv4Cidrs()));
            return this;
        }

        ObservedNode observed() {
            Map<String, Set<String>> fdbCopy = new HashMap<>();
            fdb.forEach((k, v) -> fdbCopy.put(k, Set.copyOf(v)));
            Map<String, Map<String, Link>> gatewaysCopy = new HashMap<>();
            gateways.forEach((k, v) -> gatewaysCopy.put(k, Map.copyOf(v)));
            return new ObservedNode(links, fdbCopy, namespaces, gatewaysCopy, dnsmasq, tables, recorded);
        }

        static List<String> names(List<Action> actions) {
            List<String> out = new ArrayList<>();
            actions.forEach(a -> out.add(a.describe()));
            return out;
        }
    }
}
