package dev.cirrus.node.network.router;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

import dev.cirrus.node.network.InterfaceNames;
import dev.cirrus.node.network.router.RouterAction.Announce;
import dev.cirrus.node.network.router.RouterAction.ApplyTable;
import dev.cirrus.node.network.router.RouterAction.ConnectRouter;
import dev.cirrus.node.network.router.RouterAction.ConnectUplink;
import dev.cirrus.node.network.router.RouterAction.DeleteLink;
import dev.cirrus.node.network.router.RouterAction.DeleteNamespace;
import dev.cirrus.node.network.router.RouterAction.DeleteRoute;
import dev.cirrus.node.network.router.RouterAction.DeleteTable;
import dev.cirrus.node.network.router.RouterAction.EnsureNamespace;
import dev.cirrus.node.network.router.RouterAction.ForgetConnections;
import dev.cirrus.node.network.router.RouterAction.SetRoute;
import dev.cirrus.node.network.router.RoutingObserved.Link;
import dev.cirrus.node.network.router.RoutingObserved.Namespace;

/**
 * Desired vs observed → the routing actions that make the host match (pure; a matching host gives
 * an empty plan). Order: anti-spoofing of every bridge first (a VM is guarded before anything is
 * routed to it); per external network its namespace, uplink and table; per routed network
 * its veth pair, table (the rules are in place before the address is routed to them), routes and
 * announcements; then garbage: routes and links nothing owns, tables, whole namespaces.
 */
public final class RouterPlanner {
    static final Pattern OWNED_UPLINK = Pattern.compile("ce[0-9a-f]{12}");
    static final Pattern OWNED_ROUTER_LINK = Pattern.compile("c[pq][0-9a-f]{12}");

    private RouterPlanner() {
    }

    /** Why a routed network cannot be programmed yet (reported, never half-built). */
    public static Optional<String> blocked(RoutingDesired desired, RoutedNetworkDesired network, RoutingObserved observed) {
        if (desired.external(network.externalNetwork()).isEmpty()) {
            return Optional.of("external network " + network.externalNetwork()
                    + " is not ready on this node (missing, or no address for the node in its status yet)");
        }
        if (!observed.namespaces().contains(network.routerNamespace())) {
            return Optional.of("router namespace " + network.routerNamespace() + " is missing (network not programmed)");
        }
        return Optional.empty();
    }

    public static List<RouterAction> plan(RoutingDesired desired, RoutingObserved observed) {
        List<RouterAction> actions = new ArrayList<>();
        for (BridgePortsDesired bridge : desired.bridges()) {
            table(bridge.bridge(), NftRuleSetRenderer.antiSpoof(desired.nodeNetns(), bridge), observed, actions);
        }
        for (ExternalDesired external : desired.externals()) {
            planExternal(desired, external, observed, actions);
        }
        for (RoutedNetworkDesired network : desired.networks()) {
            if (blocked(desired, network, observed).isEmpty()) {
                planNetwork(desired, network, observed, actions);
            }
        }
        collectGarbage(desired, observed, actions);
        return List.copyOf(actions);
    }

    private static void planExternal(RoutingDesired desired, ExternalDesired external, RoutingObserved observed,
            List<RouterAction> actions) {
        String owner = RouterAction.externalOwner(external.name());
        String netns = desired.externalNamespace(external.name());
        boolean fresh = !observed.namespaces().contains(netns);
        if (fresh) {
            actions.add(new EnsureNamespace(owner, netns));
        }
        Namespace inside = fresh ? Namespace.EMPTY : observed.in(netns);
        String outside = RouterNames.uplinkOutside(external.name());
        String uplink = RouterNames.uplinkInside(external.name());
        String cidr = external.nodeAddress() + "/" + external.prefixLength();
        Link port = observed.nodeLinks().get(outside);
        Link address = inside.links().get(uplink);
        boolean connected = port != null && port.up() && port.master().equals(Optional.of(external.uplinkBridge()))
                && address != null && address.up() && address.ipv4Cidrs().equals(List.of(cidr))
                && inside.routes().contains(route("default", external.gateway(), uplink)) && inside.forwarding();
        if (!connected) {
            if (!fresh && !inside.forwarding()) {
                actions.add(new EnsureNamespace(owner, netns));
            }
            actions.add(new ConnectUplink(owner, netns, outside, uplink, external.uplinkBridge(), cidr, external.gateway()));
        }
        table(owner, NftRuleSetRenderer.external(netns, external), observed, actions);
    }

    private static void planNetwork(RoutingDesired desired, RoutedNetworkDesired network, RoutingObserved observed,
            List<RouterAction> actions) {
        String owner = network.key();
        String externalNs = desired.externalNamespace(network.externalNetwork());
        Namespace router = observed.in(network.routerNamespace());
        Namespace external = observed.in(externalNs);
        LinkLocalPair pair = network.link();
        Link routerEnd = router.links().get(network.routerSide());
        Link externalEnd = external.links().get(network.externalSide());
        boolean pairNew = routerEnd == null || externalEnd == null || !routerEnd.up() || !externalEnd.up()
                || !routerEnd.ipv4Cidrs().equals(List.of(pair.routerIp() + "/31"))
                || !externalEnd.ipv4Cidrs().equals(List.of(pair.externalIp() + "/31"))
                || !router.routes().contains(route("default", pair.externalIp(), network.routerSide()))
                || !router.forwarding();
        if (pairNew) {
            actions.add(new ConnectRouter(owner, network.routerNamespace(), externalNs, network.routerSide(),
                    network.externalSide(), pair));
        }
        table(owner, NftRuleSetRenderer.router(network), observed, actions);
        for (VmInterfaceDesired nic : network.interfaces()) {
            if (nic.routedIP().isEmpty()) {
                continue;
            }
            String ip = nic.routedIP().get();
            if (pairNew || !external.routes().contains(route(ip, pair.routerIp(), network.externalSide()))) {
                actions.add(new SetRoute(owner, externalNs, ip, pair.routerIp(), network.externalSide()));
                actions.add(new Announce(owner, externalNs, RouterNames.uplinkInside(network.externalNetwork()), ip));
            }
        }
    }

    private static void table(String owner, NftTable rendered, RoutingObserved observed, List<RouterAction> actions) {
        TableDecision decision = TableDecision.of(rendered, Optional.ofNullable(observed.tables().get(rendered.id())),
                Optional.ofNullable(observed.recorded().get(rendered.id())));
        if (decision != TableDecision.KEEP) {
            actions.add(new ApplyTable(owner, rendered));
        }
    }

    private static void collectGarbage(RoutingDesired desired, RoutingObserved observed, List<RouterAction> actions) {
        Set<String> externalNamespaces = new HashSet<>();
        Set<String> uplinks = new HashSet<>();
        desired.externals().forEach(e -> {
            externalNamespaces.add(desired.externalNamespace(e.name()));
            uplinks.add(RouterNames.uplinkOutside(e.name()));
        });
        Map<String, RoutedNetworkDesired> byRouterNs = new HashMap<>();
        Map<String, Set<String>> wantedRoutes = new HashMap<>();
        Map<String, Set<String>> wantedLinks = new HashMap<>();
        for (RoutedNetworkDesired network : desired.networks()) {
            String externalNs = desired.externalNamespace(network.externalNetwork());
            byRouterNs.put(network.routerNamespace(), network);
            wantedLinks.computeIfAbsent(externalNs, k -> new HashSet<>()).add(network.externalSide());
            wantedLinks.computeIfAbsent(network.routerNamespace(), k -> new HashSet<>()).add(network.routerSide());
            network.interfaces().forEach(nic -> nic.routedIP().ifPresent(ip -> wantedRoutes
                    .computeIfAbsent(externalNs, k -> new HashSet<>())
                    .add(route(ip, network.link().routerIp(), network.externalSide()))));
        }
        for (String netns : new TreeSet<>(observed.inside().keySet())) {
            boolean ours = RouterNames.isOwnedExternalNamespace(desired.nodeName(), netns);
            if (ours && !externalNamespaces.contains(netns)) {
                continue; // deleted whole below
            }
            Namespace inside = observed.in(netns);
            if (ours) {
                removeStaleRoutes(netns, inside, wantedRoutes.getOrDefault(netns, Set.of()), desired, actions);
            }
            for (String link : new TreeSet<>(inside.links().keySet())) {
                if (OWNED_ROUTER_LINK.matcher(link).matches()
                        && !wantedLinks.getOrDefault(netns, Set.of()).contains(link)) {
                    actions.add(new DeleteLink(RouterAction.GC, Optional.of(netns), link));
                }
            }
            if (InterfaceNames.isOwnedRouterNamespace(desired.nodeName(), netns) && !byRouterNs.containsKey(netns)
                    && observed.tables().containsKey(NftTable.id(Optional.of(netns), "ip", RouterNames.ROUTER_TABLE))) {
                actions.add(new DeleteTable(RouterAction.GC, Optional.of(netns), "ip", RouterNames.ROUTER_TABLE));
            }
        }
        Set<String> bridgeTables = new HashSet<>();
        desired.bridges().forEach(b -> bridgeTables.add(RouterNames.antiSpoofTable(b.bridge())));
        String nodePrefix = NftTable.id(desired.nodeNetns(), "bridge", "");
        for (String id : new TreeSet<>(observed.tables().keySet())) {
            if (id.startsWith(nodePrefix)) {
                String table = id.substring(nodePrefix.length());
                if (RouterNames.isOwnedAntiSpoofTable(table) && !bridgeTables.contains(table)) {
                    actions.add(new DeleteTable(RouterAction.GC, desired.nodeNetns(), "bridge", table));
                }
            }
        }
        for (String link : new TreeSet<>(observed.nodeLinks().keySet())) {
            if (OWNED_UPLINK.matcher(link).matches() && !uplinks.contains(link)) {
                actions.add(new DeleteLink(RouterAction.GC, Optional.empty(), link));
            }
        }
        for (String netns : new TreeSet<>(observed.namespaces())) {
            if (RouterNames.isOwnedExternalNamespace(desired.nodeName(), netns) && !externalNamespaces.contains(netns)) {
                actions.add(new DeleteNamespace(RouterAction.GC, netns));
            }
        }
    }

    /** Host routes (/32 via a router pair) no VM here owns any more: unrouted at once, NAT state forgotten. */
    private static void removeStaleRoutes(String netns, Namespace inside, Set<String> wanted, RoutingDesired desired,
            List<RouterAction> actions) {
        for (String route : new TreeSet<>(inside.routes())) {
            String[] parts = route.split(" ");
            // Only host routes via a router pair (not the pairs' own connected /31 routes).
            if (parts.length != 5 || parts[2].isEmpty() || parts[0].contains("/")
                    || !OWNED_ROUTER_LINK.matcher(parts[4]).matches() || wanted.contains(route)) {
                continue;
            }
            actions.add(new DeleteRoute(RouterAction.GC, netns, parts[0], parts[4]));
            desired.networks().stream().filter(n -> n.externalSide().equals(parts[4])).findFirst()
                    .ifPresent(n -> actions.add(new ForgetConnections(RouterAction.GC, n.routerNamespace(), parts[0])));
        }
    }

    static String route(String dst, String via, String dev) {
        return new RoutingObserved.Route(dst, via, dev).describe();
    }
}
