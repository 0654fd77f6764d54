package dev.cirrus.node.network;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

import dev.cirrus.node.network.Action.ConfigureGateway;
import dev.cirrus.node.network.Action.DeleteRouterNamespace;
import dev.cirrus.node.network.Action.EnsureRouterNamespace;
import dev.cirrus.node.network.Action.RestartDnsmasq;
import dev.cirrus.node.network.Action.StopDnsmasq;
import dev.cirrus.node.network.Action.WriteDnsmasqConfig;
import dev.cirrus.node.network.ObservedNode.Link;
import dev.cirrus.node.network.OvsAction.DeleteLink;
import dev.cirrus.node.network.OvsAction.DeletePort;
import dev.cirrus.node.network.OvsAction.EnsureBridge;
import dev.cirrus.node.network.OvsAction.EnsurePort;
import dev.cirrus.node.network.OvsAction.Router;
import dev.cirrus.node.network.OvsAction.SyncFlows;
import dev.cirrus.node.network.OvsAction.TuneLink;

/**
 * The OVS backend's planner (pure): desired vs observed → actions. One integration bridge per
 * node; per network a node-local VLAN tag ({@link OvsVlanTags}), the router namespace's veth and
 * the VM taps as access ports with that tag, one tunnel port per peer node (protected, keyed by
 * the VNI); a flow table guarding the distributed gateway and
 * keeping each VM tap to its own MAC and IP ({@link OvsFlows}). The router namespace
 * and dnsmasq are the Linux backend's. Order: bridge, garbage, each network, flows last.
 */
public final class OvsNetworkPlanner {
    /** Kernel links the OVS backend creates on the node (taps, router veth ends) and may therefore delete. */
    public static final Pattern OWNED_LINK = Pattern.compile("c[tr][0-9a-f]{12}");

    private final NetworkPlanner layouts;
    private final OvsSettings settings;

    public OvsNetworkPlanner(Path stateDir, OvsSettings settings) {
        this.layouts = new NetworkPlanner(stateDir);
        this.settings = settings;
    }

    /** Whether this backend programs the network (both encapsulations are supported). */
    public static Optional<String> unsupported(NetworkDesired network) {
        if ("geneve".equals(network.encapsulation()) || "vxlan".equals(network.encapsulation())) {
            return Optional.empty();
        }
        return Optional.of("unknown encapsulation " + network.encapsulation() + ": use geneve or vxlan");
    }

    public NetworkLayout layout(NodeNetworkDesired node, NetworkDesired network) {
        return layouts.layout(node, network);
    }

    public Path dnsmasqDir() {
        return layouts.dnsmasqDir();
    }

    public List<NetworkDesired> programmed(NodeNetworkDesired node) {
        return node.networks().stream().filter(n -> unsupported(n).isEmpty()).toList();
    }

    public Map<String, Integer> tags(NodeNetworkDesired node, OvsDb db) {
        List<OvsDb.Port> ports = db.portsOf(settings.bridge()).stream().map(db.ports()::get).toList();
        return OvsVlanTags.allocate(programmed(node).stream().map(NetworkDesired::key).toList(), ports);
    }

    /** Every port the desired state calls for on the integration bridge, by name. */
    public Map<String, OvsPortSpec> ports(NodeNetworkDesired node, Map<String, Integer> tags) {
        Map<String, OvsPortSpec> specs = new HashMap<>();
        for (NetworkDesired network : programmed(node)) {
            int tag = tags.get(network.key());
            NetworkLayout layout = layout(node, network);
            specs.put(layout.routerOutside(), OvsPortSpec.router(network, layout.routerOutside(), tag));
            for (String peer : peers(node, network)) {
                OvsPortSpec tunnel = OvsPortSpec.tunnel(network, peer, tag);
                specs.put(tunnel.name(), tunnel);
            }
            for (PortDesired port : network.ports()) {
                String tap = InterfaceNames.tap(port.vmUid(), port.interfaceName());
                specs.put(tap, OvsPortSpec.vm(network, port, tap, tag));
            }
        }
        return specs;
    }

    /** The gateway guards of every desired tunnel. */
    public List<OvsFlows.TunnelGuard> guards(NodeNetworkDesired node) {
        List<OvsFlows.TunnelGuard> guards = new ArrayList<>();
        for (NetworkDesired network : programmed(node)) {
            String mac = NetworkLayout.gatewayMac(network.vni());
            for (String peer : peers(node, network)) {
                guards.add(new OvsFlows.TunnelGuard(InterfaceNames.tunnel(network.namespace(), network.name(), peer),
                        mac, network.gatewayIp()));
            }
        }
        return List.copyOf(guards);
    }

    /** The anti-spoofing of every desired VM tap: its own MAC and IP only. */
    public List<OvsFlows.PortGuard> portGuards(NodeNetworkDesired node) {
        List<OvsFlows.PortGuard> guards = new ArrayList<>();
        for (NetworkDesired network : programmed(node)) {
            for (PortDesired port : network.ports()) {
                guards.add(new OvsFlows.PortGuard(InterfaceNames.tap(port.vmUid(), port.interfaceName()), port.mac(),
                        port.ip()));
            }
        }
        return List.copyOf(guards);
    }

    public List<OvsAction> plan(NodeNetworkDesired node, OvsObserved observed) {
        List<OvsAction> actions = new ArrayList<>();
        OvsDb db = observed.db();
        OvsDb.Bridge bridge = db.bridges().get(settings.bridge());
        OvsDb.Interface bridgeIface = db.interfaces().get(settings.bridge());
        boolean bridgeNew = bridge == null;
        if (bridge == null || !settings.datapathType().equals(bridge.datapathType()) || bridgeIface == null
                || !bridgeIface.healthy()) {
            actions.add(new EnsureBridge(settings.bridge(), settings.datapathType(), node.nodeName()));
        }
        Map<String, Integer> tags = tags(node, db);
        Map<String, OvsPortSpec> specs = ports(node, tags);
        collectGarbage(node, observed, specs, actions);

        Set<String> onBridge = db.portsOf(settings.bridge());
        for (NetworkDesired network : programmed(node)) {
            planNetwork(node, network, observed, onBridge, bridgeNew, specs, actions);
        }

        List<OvsFlows.TunnelGuard> guards = guards(node);
        List<OvsFlows.PortGuard> portGuards = portGuards(node);
        Set<String> expected = OvsFlows.render(guards, portGuards, ofports(db, onBridge));
        boolean differs = !bridgeNew && !observed.flows().equals(expected);
        // A port added or re-added gets a new OpenFlow number: its guards are rendered once it has it.
        boolean portsChanged = actions.stream().anyMatch(a -> a instanceof EnsurePort p && (p.create() || p.recreate())
                || a instanceof DeletePort);
        if (bridgeNew || differs || portsChanged) {
            // Drift only when no port comes or goes: those change the table by design.
            actions.add(new SyncFlows(settings.bridge(), guards, portGuards, differs && !portsChanged));
        }
        return List.copyOf(actions);
    }

    private void collectGarbage(NodeNetworkDesired node, OvsObserved observed, Map<String, OvsPortSpec> specs,
            List<OvsAction> actions) {
        OvsDb db = observed.db();
        for (String port : new TreeSet<>(db.portsOf(settings.bridge()))) {
            boolean ours = db.ports().get(port).externalIds().containsKey(OvsPortSpec.NETWORK);
            if (ours && !specs.containsKey(port)) {
                actions.add(new DeletePort(Action.GC, settings.bridge(), port));
            }
        }
        for (String link : new TreeSet<>(observed.links().keySet())) {
            if (OWNED_LINK.matcher(link).matches() && !specs.containsKey(link)) {
                actions.add(new DeleteLink(Action.GC, link));
            }
        }
        Set<String> namespaces = new HashSet<>();
        programmed(node).forEach(n -> namespaces.add(layout(node, n).routerNamespace()));
        Set<String> leftovers = new TreeSet<>();
        observed.namespaces().stream().filter(ns -> InterfaceNames.isOwnedRouterNamespace(node.nodeName(), ns))
                .forEach(leftovers::add);
        observed.dnsmasq().keySet().stream().filter(ns -> InterfaceNames.isOwnedRouterNamespace(node.nodeName(), ns))
                .forEach(leftovers::add);
        leftovers.removeAll(namespaces);
        for (String ns : leftovers) {
            ObservedNode.Dnsmasq dnsmasq = observed.dnsmasq().get(ns);
            if (dnsmasq != null && dnsmasq.alivePid().isPresent()) {
                actions.add(new Router(new StopDnsmasq(Action.GC, ns, layouts.dnsmasqFiles(ns).pid())));
            }
            if (observed.namespaces().contains(ns)) {
                actions.add(new Router(new DeleteRouterNamespace(Action.GC, ns)));
            }
        }
    }

    private void planNetwork(NodeNetworkDesired node, NetworkDesired network, OvsObserved observed,
            Set<String> onBridge, boolean bridgeNew, Map<String, OvsPortSpec> specs, List<OvsAction> actions) {
        NetworkLayout layout = layout(node, network);
        String owner = network.key();

        boolean namespaceNew = !observed.namespaces().contains(layout.routerNamespace());
        if (namespaceNew) {
            actions.add(new Router(new EnsureRouterNamespace(owner, layout.routerNamespace())));
        }
        Link inside = namespaceNew ? null
                : observed.gateways().getOrDefault(layout.routerNamespace(), Map.of()).get(layout.routerInside());
        Link outside = observed.links().get(layout.routerOutside());
        boolean gatewayNew = inside == null || outside == null || !inside.mac().equalsIgnoreCase(layout.gatewayMac())
                || !inside.ipv4Cidrs().equals(List.of(layout.gatewayCidr())) || !inside.adminUp()
                || inside.mtu() != layout.mtu();
        if (gatewayNew) {
            actions.add(new Router(new ConfigureGateway(owner, layout.routerNamespace(), layout.routerOutside(),
                    layout.routerInside(), layout.gatewayMac(), layout.gatewayCidr(), layout.mtu(), settings.bridge())));
        } else {
            tune(owner, outside, layout.mtu(), false, actions);
        }
        port(owner, specs.get(layout.routerOutside()), observed.db(), onBridge, bridgeNew, gatewayNew, actions);

        for (String peer : peers(node, network)) {
            OvsPortSpec tunnel = specs.get(InterfaceNames.tunnel(network.namespace(), network.name(), peer));
            port(owner, tunnel, observed.db(), onBridge, bridgeNew, false, actions);
        }

        ObservedNode.Dnsmasq dnsmasq = observed.dnsmasq().getOrDefault(layout.routerNamespace(),
                new ObservedNode.Dnsmasq(Optional.empty(), OptionalInt.empty()));
        if (network.dhcp()) {
            String config = DnsmasqConfig.render(network, layout);
            boolean changed = !dnsmasq.config().equals(Optional.of(config));
            if (changed) {
                actions.add(new Router(new WriteDnsmasqConfig(owner, layout.dnsmasq().config(), config)));
            }
            // A new namespace or gateway interface strands a running dnsmasq (bound to the old one).
            if (changed || namespaceNew || gatewayNew || dnsmasq.alivePid().isEmpty()) {
                actions.add(new Router(new RestartDnsmasq(owner, layout.routerNamespace(), layout.dnsmasq().config(),
                        layout.dnsmasq().pid())));
            }
        } else if (dnsmasq.alivePid().isPresent()) {
            actions.add(new Router(new StopDnsmasq(owner, layout.routerNamespace(), layout.dnsmasq().pid())));
        }

        for (PortDesired port : network.ports()) {
            String tap = InterfaceNames.tap(port.vmUid(), port.interfaceName());
            Link link = observed.links().get(tap);
            if (link == null) {
                actions.add(new TuneLink(port.key(), tap, layout.mtu(), true));
            } else {
                tune(port.key(), link, layout.mtu(), true, actions);
            }
            port(port.key(), specs.get(tap), observed.db(), onBridge, bridgeNew, link == null, actions);
        }
    }

    /** @param deviceNew the port's kernel device is (re-)created by this plan: an existing row must be re-added */
    private void port(String owner, OvsPortSpec spec, OvsDb db, Set<String> onBridge, boolean bridgeNew,
            boolean deviceNew, List<OvsAction> actions) {
        OvsDb.Port port = db.ports().get(spec.name());
        OvsDb.Interface iface = db.interfaces().get(spec.name());
        boolean present = !bridgeNew && onBridge.contains(spec.name()) && port != null && iface != null;
        if (!present) {
            actions.add(new EnsurePort(owner, settings.bridge(), spec, true, false));
        } else if (deviceNew || !iface.healthy()) {
            actions.add(new EnsurePort(owner, settings.bridge(), spec, false, true));
        } else if (!spec.matches(port, iface)) {
            actions.add(new EnsurePort(owner, settings.bridge(), spec, false, false));
        }
    }

    private static void tune(String owner, Link link, int mtu, boolean tap, List<OvsAction> actions) {
        if (link.mtu() != mtu || !link.adminUp()) {
            actions.add(new TuneLink(owner, link.name(), mtu, tap));
        }
    }

    /** The other nodes hosting the network (this node's own address is ignored). */
    static List<String> peers(NodeNetworkDesired node, NetworkDesired network) {
        Set<String> peers = new TreeSet<>(network.peerUnderlayIps());
        peers.remove(node.underlayIp());
        return List.copyOf(peers);
    }

    static Map<String, Integer> ofports(OvsDb db, Set<String> ports) {
        Map<String, Integer> ofports = new HashMap<>();
        for (String port : ports) {
            OvsDb.Interface iface = db.interfaces().get(port);
            if (iface != null && iface.ofport().isPresent()) {
                ofports.put(port, iface.ofport().getAsInt());
            }
        }
        return ofports;
    }
}
