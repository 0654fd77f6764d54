package dev.cirrus.node.network.router;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What the host holds now, as far as routing goes.
 *
 * @param namespaces every network namespace on the host
 * @param nodeLinks  the node namespace's links by name
 * @param inside     per existing external or router namespace of this node: its links, routes and forwarding
 * @param tables     the text of each Cirrus-named table found ({@code nft list table}), by {@link NftTable#id()}
 * @param recorded   what earlier applies recorded per table (the router state file)
 */
public record RoutingObserved(Set<String> namespaces, Map<String, Link> nodeLinks, Map<String, Namespace> inside,
        Map<String, String> tables, Map<String, RecordedTable> recorded) {
    public RoutingObserved {
        namespaces = Set.copyOf(namespaces);
        nodeLinks = Map.copyOf(nodeLinks);
        inside = Map.copyOf(inside);
        tables = Map.copyOf(tables);
        recorded = Map.copyOf(recorded);
    }

    public Namespace in(String netns) {
        return inside.getOrDefault(netns, Namespace.EMPTY);
    }

    public record Link(String name, Optional<String> master, boolean up, List<String> ipv4Cidrs) {
        public Link {
            ipv4Cidrs = List.copyOf(ipv4Cidrs);
        }
    }

    /** @param routes each as {@link Route#describe()}, e.g. "203.0.113.50 via 169.254.1.1 dev cpX" */
    public record Namespace(Map<String, Link> links, Set<String> routes, boolean forwarding) {
        public static final Namespace EMPTY = new Namespace(Map.of(), Set.of(), false);

        public Namespace {
            links = Map.copyOf(links);
            routes = Set.copyOf(routes);
        }
    }

    /** A route in the form the planner compares: "dst via gateway dev device" ("default" for 0/0). */
    public record Route(String dst, String via, String dev) {
        public String describe() {
            return dst + " via " + via + " dev " + dev;
        }
    }

    /** What the last apply left: the rendered hash and the table as nft listed it right after. */
    public record RecordedTable(String hash, String listing) {
    }
}
