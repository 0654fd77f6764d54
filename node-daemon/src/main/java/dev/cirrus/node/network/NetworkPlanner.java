package dev.cirrus.node.network;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;

import dev.cirrus.node.network.Action.AddFdbPeer;
import dev.cirrus.node.network.Action.ConfigureGateway;
import dev.cirrus.node.network.Action.CreateBridge;
import dev.cirrus.node.network.Action.CreateTap;
import dev.cirrus.node.network.Action.CreateVxlan;
import dev.cirrus.node.network.Action.DeleteLink;
import dev.cirrus.node.network.Action.DeleteRouterNamespace;
import dev.cirrus.node.network.Action.EnsureRouterNamespace;
import dev.cirrus.node.network.Action.IsolateGateway;
import dev.cirrus.node.network.Action.RemoveFdbPeer;
import dev.cirrus.node.network.Action.RemoveGatewayIsolation;
import dev.cirrus.node.network.Action.RestartDnsmasq;
import dev.cirrus.node.network.Action.SetLinkUp;
import dev.cirrus.node.network.Action.SetMaster;
import dev.cirrus.node.network.Action.SetMtu;
import dev.cirrus.node.network.Action.StopDnsmasq;
import dev.cirrus.node.network.Action.WriteDnsmasqConfig;
import dev.cirrus.node.network.ObservedNode.Link;

/**
 * Desired vs observed → the actions that make the host match (pure). A host that already matches
 * gives an empty plan, so a daemon restart or a periodic resync changes nothing. Garbage collection
 * comes first (a tap left by a VM that moved away), then each network in order: bridge, VXLAN and
 * its peers, router namespace and gateway, isolation, DHCP, ports.
 */
public final class NetworkPlanner {
    public static final String VXLAN_PORT = "4789";
    public static final String GENEVE_UNAVAILABLE = "encapsulation geneve is not available on the linux backend of this node"
            + " (the kernel has VXLAN but no Geneve): use encapsulation vxlan";

    private final Path stateDir;

    public NetworkPlanner(Path stateDir) {
        this.stateDir = stateDir;
    }

    /** Whether the Linux backend programs this network at all (it is otherwise reported, never touched). */
    public static Optional<String> unsupported(NetworkDesired network) {
        if ("vxlan".equals(network.encapsulation())) {
            return Optional.empty();
        }
        if ("geneve".equals(network.encapsulation())) {
            return Optional.of(GENEVE_UNAVAILABLE);
        }
        return Optional.of("unknown encapsulation " + network.encapsulation() + ": use encapsulation vxlan");
    }

    public NetworkLayout layout(NodeNetworkDesired node, NetworkDesired network) {
        return NetworkLayout.of(node, network, stateDir);
    }

    public Path dnsmasqDir() {
        return stateDir.resolve("dnsmasq");
    }

    public NetworkLayout.DnsmasqFiles dnsmasqFiles(String routerNamespace) {
        return NetworkLayout.DnsmasqFiles.of(stateDir, routerNamespace);
    }

    public List<Action> plan(NodeNetworkDesired node, ObservedNode observed) {
        List<NetworkDesired> programmed = node.networks().stream().filter(n -> unsupported(n).isEmpty()).toList();
        List<Action> actions = new ArrayList<>();
        collectGarbage(node, programmed, observed, actions);
        for (NetworkDesired network : programmed) {
            planNetwork(node, network, observed, actions);
        }
        return List.copyOf(actions);
    }

    private void collectGarbage(NodeNetworkDesired node, List<NetworkDesired> programmed, ObservedNode observed,
            List<Action> actions) {
        Set<String> links = new HashSet<>();
        Set<String> namespaces = new HashSet<>();
        Set<String> tables = new HashSet<>();
        for (NetworkDesired network : programmed) {
            NetworkLayout layout = layout(node, network);
            links.addAll(List.of(layout.bridge(), layout.vxlan(), layout.routerOutside()));
            network.ports().forEach(p -> links.add(InterfaceNames.tap(p.vmUid(), p.interfaceName())));
            namespaces.add(layout.routerNamespace());
            tables.add(layout.isolationTable());
        }
        for (String link : new TreeSet<>(observed.links().keySet())) {
            if (InterfaceNames.OWNED_LINK.matcher(link).matches() && !links.contains(link)) {
                actions.add(new DeleteLink(Action.GC, link));
            }
        }
        Set<String> leftovers = new TreeSet<>();
        observed.namespaces().stream().filter(ns -> InterfaceNames.isOwnedRouterNamespace(node.nodeName(), ns))
                .forEach(leftovers::add);
        observed.dnsmasq().keySet().stream().filter(ns -> InterfaceNames.isOwnedRouterNamespace(node.nodeName(), ns))
                .forEach(leftovers::add);
        leftovers.removeAll(namespaces);
        for (String ns : leftovers) {
            ObservedNode.Dnsmasq dnsmasq = observed.dnsmasq().get(ns);
            if (dnsmasq != null && dnsmasq.alivePid().isPresent()) {
                actions.add(new StopDnsmasq(Action.GC, ns, dnsmasqFiles(ns).pid()));
            }
            if (observed.namespaces().contains(ns)) {
                actions.add(new DeleteRouterNamespace(Action.GC, ns));
            }
        }
        for (String table : new TreeSet<>(observed.nftTables())) {
            if (InterfaceNames.isOwnedIsolationTable(table) && !tables.contains(table)) {
                actions.add(new RemoveGatewayIsolation(Action.GC, table));
            }
        }
    }

    private void planNetwork(NodeNetworkDesired node, NetworkDesired network, ObservedNode observed,
            List<Action> actions) {
        NetworkLayout layout = layout(node, network);
        String owner = network.key();
        Map<String, Link> links = observed.links();

        Link bridge = links.get(layout.bridge());
        boolean bridgeNew = bridge == null || !"bridge".equals(bridge.kind());
        if (bridge != null && bridgeNew) {
            actions.add(new DeleteLink(owner, layout.bridge()));
        }
        if (bridgeNew) {
            actions.add(new CreateBridge(owner, layout.bridge(), layout.mtu()));
        } else {
            tune(owner, bridge, layout.mtu(), actions);
        }

        Link vxlan = links.get(layout.vxlan());
        boolean vxlanNew = vxlan == null || !vxlanMatches(vxlan, network.vni(), node.underlayIp());
        if (vxlan != null && vxlanNew) {
            actions.add(new DeleteLink(owner, layout.vxlan()));
        }
        if (vxlanNew) {
            actions.add(new CreateVxlan(owner, layout.vxlan(), network.vni(), node.underlayIp(), layout.mtu(),
                    layout.bridge()));
        } else {
            attach(owner, vxlan, layout, bridgeNew, actions);
        }
        Set<String> wantedPeers = new TreeSet<>(network.peerUnderlayIps());
        wantedPeers.remove(node.underlayIp());
        Set<String> presentPeers = vxlanNew ? Set.of() : observed.fdbPeers().getOrDefault(layout.vxlan(), Set.of());
        wantedPeers.stream().filter(p -> !presentPeers.contains(p))
                .forEach(p -> actions.add(new AddFdbPeer(owner, layout.vxlan(), p)));
        new TreeSet<>(presentPeers).stream().filter(p -> !wantedPeers.contains(p))
                .forEach(p -> actions.add(new RemoveFdbPeer(owner, layout.vxlan(), p)));

        boolean namespaceNew = !observed.namespaces().contains(layout.routerNamespace());
        if (namespaceNew) {
            actions.add(new EnsureRouterNamespace(owner, layout.routerNamespace()));
        }
        Link inside = namespaceNew ? null
                : observed.gateways().getOrDefault(layout.routerNamespace(), Map.of()).get(layout.routerInside());
        Link outside = links.get(layout.routerOutside());
        boolean gatewayNew = inside == null || outside == null || !inside.mac().equalsIgnoreCase(layout.gatewayMac())
                || !inside.ipv4Cidrs().equals(List.of(layout.gatewayCidr())) || !inside.adminUp()
                || inside.mtu() != layout.mtu();
        if (gatewayNew) {
            actions.add(new ConfigureGateway(owner, layout.routerNamespace(), layout.routerOutside(),
                    layout.routerInside(), layout.gatewayMac(), layout.gatewayCidr(), layout.mtu(), layout.bridge()));
        } else {
            attach(owner, outside, layout, bridgeNew, actions);
        }

        if (!observed.nftTables().contains(layout.isolationTable())) {
            actions.add(new IsolateGateway(owner, layout.isolationTable(), layout.vxlan(), layout.gatewayMac(),
                    network.gatewayIp()));
        }

        ObservedNode.Dnsmasq dnsmasq = observed.dnsmasq().getOrDefault(layout.routerNamespace(),
                new ObservedNode.Dnsmasq(Optional.empty(), OptionalInt.empty()));
        if (network.dhcp()) {
            String config = DnsmasqConfig.render(network, layout);
            boolean changed = !dnsmasq.config().equals(Optional.of(config));
            if (changed) {
                actions.add(new WriteDnsmasqConfig(owner, layout.dnsmasq().config(), config));
            }
            // A new namespace or gateway interface strands a running dnsmasq (bound to the old one).
            if (changed || namespaceNew || gatewayNew || dnsmasq.alivePid().isEmpty()) {
                actions.add(new RestartDnsmasq(owner, layout.routerNamespace(), layout.dnsmasq().config(),
                        layout.dnsmasq().pid()));
            }
        } else if (dnsmasq.alivePid().isPresent()) {
            actions.add(new StopDnsmasq(owner, layout.routerNamespace(), layout.dnsmasq().pid()));
        }

        for (PortDesired port : network.ports()) {
            String tap = InterfaceNames.tap(port.vmUid(), port.interfaceName());
            Link link = links.get(tap);
            if (link == null) {
                actions.add(new CreateTap(port.key(), tap, layout.mtu(), layout.bridge()));
            } else {
                attach(port.key(), link, layout, bridgeNew, actions);
            }
        }
    }

    private static boolean vxlanMatches(Link link, long vni, String underlayIp) {
        return "vxlan".equals(link.kind()) && link.vni().isPresent() && link.vni().getAsLong() == vni
                && link.local().equals(Optional.of(underlayIp)) && link.dstPort().isPresent()
                && link.dstPort().getAsInt() == Integer.parseInt(VXLAN_PORT);
    }

    private static void attach(String owner, Link link, NetworkLayout layout, boolean bridgeNew, List<Action> actions) {
        if (bridgeNew || !link.master().equals(Optional.of(layout.bridge()))) {
            actions.add(new SetMaster(owner, link.name(), layout.bridge()));
        }
        tune(owner, link, layout.mtu(), actions);
    }

    private static void tune(String owner, Link link, int mtu, List<Action> actions) {
        if (link.mtu() != mtu) {
            actions.add(new SetMtu(owner, link.name(), mtu));
        }
        if (!link.adminUp()) {
            actions.add(new SetLinkUp(owner, link.name()));
        }
    }
}
