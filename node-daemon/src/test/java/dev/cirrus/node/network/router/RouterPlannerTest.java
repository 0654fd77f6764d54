package dev.cirrus.node.network.router;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.cirrus.node.network.router.RoutingObserved.Link;
import dev.cirrus.node.network.router.RoutingObserved.Namespace;
import dev.cirrus.node.network.router.RoutingObserved.RecordedTable;

class RouterPlannerTest {
    private static final String EXT_NS = RouterFixtures.EXTERNAL_NS;
    private static final String ROUTER_NS = RouterFixtures.ROUTER_NS;

    private final RoutedNetworkDesired network = RouterFixtures.network(true, RouterFixtures.floating(),
            RouterFixtures.forwarded(), RouterFixtures.internal());
    private final RoutingDesired desired = RouterFixtures.node(network);

    @Test
    void aFreshNodeGetsNamespaceUplinkPairTablesRoutesAndAnnouncementsInOrder() {
        Host host = new Host();
        host.namespaces.add(ROUTER_NS); // made by the overlay dataplane

        assertThat(describe(RouterPlanner.plan(desired, host.observed()))).containsExactly(
                "apply nft table bridge cirrus-as-cb0000000000aa",
                "create external namespace " + EXT_NS + " (forwarding on)",
                "connect " + EXT_NS + " to br-ex as 203.0.113.11/24 via 203.0.113.1",
                "apply nft table ip cirrus-external in " + EXT_NS,
                "connect " + ROUTER_NS + " (169.254.2.89) to " + EXT_NS + " (169.254.2.88)",
                "apply nft table ip cirrus-router in " + ROUTER_NS,
                "route 203.0.113.50 via 169.254.2.89 dev " + network.externalSide() + " in " + EXT_NS,
                "announce 203.0.113.50 on " + RouterNames.uplinkInside("public") + " in " + EXT_NS,
                "route 203.0.113.51 via 169.254.2.89 dev " + network.externalSide() + " in " + EXT_NS,
                "announce 203.0.113.51 on " + RouterNames.uplinkInside("public") + " in " + EXT_NS);
    }

    @Test
    void aConvergedNodeGivesAnEmptyPlan() {
        assertThat(RouterPlanner.plan(desired, Host.converged(desired).observed())).isEmpty();
    }

    @Test
    void aNetworkWhoseRouterNamespaceOrExternalNetworkIsMissingIsBlockedNotHalfBuilt() {
        Host host = new Host();
        assertThat(RouterPlanner.blocked(desired, network, host.observed())).hasValueSatisfying(
                m -> assertThat(m).contains("router namespace " + ROUTER_NS + " is missing"));
        assertThat(describe(RouterPlanner.plan(desired, host.observed())))
                .noneMatch(a -> a.contains(ROUTER_NS) || a.startsWith("route"));

        RoutingDesired noExternal = new RoutingDesired("n1", Optional.empty(), List.of(), List.of(network), List.of());
        assertThat(RouterPlanner.blocked(noExternal, network, Host.converged(desired).observed())).hasValueSatisfying(
                m -> assertThat(m).contains("external network public is not ready"));
    }

    @Test
    void removingAFloatingIpReRendersTheRulesThenUnroutesItAndForgetsItsConnections() {
        Host host = Host.converged(desired);
        RoutedNetworkDesired without = RouterFixtures.network(true, RouterFixtures.forwarded(), RouterFixtures.internal());
        RoutingDesired next = new RoutingDesired("n1", Optional.empty(), desired.externals(), List.of(without),
                desired.bridges());
        assertThat(describe(RouterPlanner.plan(next, host.observed()))).containsExactly(
                "apply nft table ip cirrus-router in " + ROUTER_NS,
                "delete route 203.0.113.50 dev " + network.externalSide() + " in " + EXT_NS,
                "forget connections of 203.0.113.50 in " + ROUTER_NS);
    }

    @Test
    void anExternalIpNothingUsesAnyMoreIsNotRouted() {
        Host host = Host.converged(desired);
        VmInterfaceDesired stale = new VmInterfaceDesired("uid-db", "eth0", "ct0000000000a2", "02:aa:00:00:00:12",
                "10.20.0.12", Optional.of("203.0.113.51"), false, List.of(), List.of());
        RoutingDesired next = new RoutingDesired("n1", Optional.empty(), desired.externals(),
                List.of(RouterFixtures.network(true, RouterFixtures.floating(), stale, RouterFixtures.internal())),
                desired.bridges());
        assertThat(describe(RouterPlanner.plan(next, host.observed()))).containsExactly(
                "apply nft table ip cirrus-router in " + ROUTER_NS,
                "delete route 203.0.113.51 dev " + network.externalSide() + " in " + EXT_NS,
                "forget connections of 203.0.113.51 in " + ROUTER_NS);
    }

    @Test
    void aTableChangedByHandOrDeletedIsReApplied() {
        Host host = Host.converged(desired);
        String routerTable = NftTable.id(Optional.of(ROUTER_NS), "ip", RouterNames.ROUTER_TABLE);
        String bridgeTable = NftTable.id(Optional.empty(), "bridge", "cirrus-as-cb0000000000aa");
        host.tables.put(routerTable, host.tables.get(routerTable).replace("drop\n", ""));
        host.tables.remove(bridgeTable);
        assertThat(describe(RouterPlanner.plan(desired, host.observed()))).containsExactly(
                "apply nft table bridge cirrus-as-cb0000000000aa",
                "apply nft table ip cirrus-router in " + ROUTER_NS);
    }

    @Test
    void aMissingRouteOrBrokenPairIsRepairedAndAnnouncedAgain() {
        Host host = Host.converged(desired);
        host.inside.get(EXT_NS).routes.remove(RouterPlanner.route("203.0.113.51", "169.254.2.89", network.externalSide()));
        assertThat(describe(RouterPlanner.plan(desired, host.observed()))).containsExactly(
                "route 203.0.113.51 via 169.254.2.89 dev " + network.externalSide() + " in " + EXT_NS,
                "announce 203.0.113.51 on " + RouterNames.uplinkInside("public") + " in " + EXT_NS);
        host = Host.converged(desired);
        host.inside.get(ROUTER_NS).forwarding = false;
        assertThat(describe(RouterPlanner.plan(desired, host.observed()))).first().asString()
                .startsWith("connect " + ROUTER_NS);
    }

    @Test
    void whatNothingOwnsIsCollected() {
        Host host = Host.converged(desired);
        RoutingDesired empty = new RoutingDesired("n1", Optional.empty(), List.of(), List.of(), List.of());
        host.namespaces.add("cirrus-x-n2-0000beef"); // another (simulated) node's: not ours
        assertThat(describe(RouterPlanner.plan(empty, host.observed()))).containsExactly(
                "delete link " + network.routerSide() + " in " + ROUTER_NS,
                "delete nft table ip cirrus-router in " + ROUTER_NS,
                "delete nft table bridge cirrus-as-cb0000000000aa",
                "delete link " + RouterNames.uplinkOutside("public"),
                "delete external namespace " + EXT_NS);
    }

    private static List<String> describe(List<RouterAction> actions) {
        return actions.stream().map(RouterAction::describe).toList();
    }

    /** A mutable host a test shapes, then freezes. */
    static final class Host {
        final Set<String> namespaces = new HashSet<>();
        final Map<String, Link> nodeLinks = new HashMap<>();
        final Map<String, MutableNamespace> inside = new HashMap<>();
        final Map<String, String> tables = new HashMap<>();
        final Map<String, RecordedTable> recorded = new HashMap<>();

        static Host converged(RoutingDesired desired) {
            Host host = new Host();
            for (ExternalDesired e : desired.externals()) {
                String ns = desired.externalNamespace(e.name());
                host.namespaces.add(ns);
                host.nodeLinks.put(RouterNames.uplinkOutside(e.name()),
                        new Link(RouterNames.uplinkOutside(e.name()), Optional.of(e.uplinkBridge()), true, List.of()));
                MutableNamespace inside = host.namespace(ns);
                inside.link(RouterNames.uplinkInside(e.name()), e.nodeAddress() + "/" + e.prefixLength());
                inside.routes.add(RouterPlanner.route("default", e.gateway(), RouterNames.uplinkInside(e.name())));
                host.table(NftRuleSetRenderer.external(ns, e));
            }
            for (RoutedNetworkDesired n : desired.networks()) {
                String ext = desired.externalNamespace(n.externalNetwork());
                host.namespaces.add(n.routerNamespace());
                MutableNamespace router = host.namespace(n.routerNamespace());
                router.link(n.routerSide(), n.link().routerIp() + "/31");
                router.routes.add(RouterPlanner.route("default", n.link().externalIp(), n.routerSide()));
                host.namespace(ext).link(n.externalSide(), n.link().externalIp() + "/31");
                n.interfaces().forEach(nic -> nic.routedIP().ifPresent(ip -> host.namespace(ext).routes
                        .add(RouterPlanner.route(ip, n.link().routerIp(), n.externalSide()))));
                host.table(NftRuleSetRenderer.router(n));
            }
            desired.bridges().forEach(b -> host.table(NftRuleSetRenderer.antiSpoof(desired.nodeNetns(), b)));
            return host;
        }

        MutableNamespace namespace(String ns) {
            return inside.computeIfAbsent(ns, k -> new MutableNamespace());
        }

        /** As if applied: the host lists it (here: verbatim) and the state file recorded that listing. */
        void table(NftTable table) {
            tables.put(table.id(), table.text());
            recorded.put(table.id(), new RecordedTable(table.hash(), table.text()));
        }

        RoutingObserved observed() {
            Map<String, Namespace> frozen = new HashMap<>();
            inside.forEach((k, v) -> frozen.put(k, new Namespace(v.links, v.routes, v.forwarding)));
            return new RoutingObserved(namespaces, nodeLinks, frozen, tables, recorded);
        }
    }

    static final class MutableNamespace {
        final Map<String, Link> links = new HashMap<>();
        final Set<String> routes = new HashSet<>();
        boolean forwarding = true;

        void link(String name, String cidr) {
            links.put(name, new Link(name, Optional.empty(), true, List.of(cidr)));
        }
    }
}
