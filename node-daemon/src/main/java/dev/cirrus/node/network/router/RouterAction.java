package dev.cirrus.node.network.router;

import java.util.Optional;

/**
 * One step that changes the host for routing. {@link #owner()} is "external:NAME", a network key
 * ("ns/name") or {@link #GC}: a failure is reported on its owner and the other owners go on.
 */
public sealed interface RouterAction {
    String GC = "gc";

    String owner();

    String describe();

    static String externalOwner(String externalNetwork) {
        return "external:" + externalNetwork;
    }

    record EnsureNamespace(String owner, String netns) implements RouterAction {
        public String describe() {
            return "create external namespace " + netns + " (forwarding on)";
        }
    }

    /** (Re)creates the uplink veth: outside end on the uplink bridge, inside end with the node's address. */
    record ConnectUplink(String owner, String netns, String outside, String inside, String bridge, String cidr,
            String gateway) implements RouterAction {
        public String describe() {
            return "connect " + netns + " to " + bridge + " as " + cidr + " via " + gateway;
        }
    }

    /** (Re)creates the router↔external veth pair and the router's default route over it. */
    record ConnectRouter(String owner, String routerNetns, String externalNetns, String routerSide,
            String externalSide, LinkLocalPair link) implements RouterAction {
        public String describe() {
            return "connect " + routerNetns + " (" + link.routerIp() + ") to " + externalNetns + " ("
                    + link.externalIp() + ")";
        }
    }

    record SetRoute(String owner, String netns, String dst, String via, String dev) implements RouterAction {
        public String describe() {
            return "route " + dst + " via " + via + " dev " + dev + " in " + netns;
        }
    }

    record DeleteRoute(String owner, String netns, String dst, String dev) implements RouterAction {
        public String describe() {
            return "delete route " + dst + " dev " + dev + " in " + netns;
        }
    }

    /** Gratuitous ARP for an address the namespace now answers for, so upstream re-learns it at once. */
    record Announce(String owner, String netns, String dev, String ip) implements RouterAction {
        public String describe() {
            return "announce " + ip + " on " + dev + " in " + netns;
        }
    }

    /** Forgets NAT state of an external address no longer here, so established flows stop too. */
    record ForgetConnections(String owner, String netns, String ip) implements RouterAction {
        public String describe() {
            return "forget connections of " + ip + " in " + netns;
        }
    }

    record ApplyTable(String owner, NftTable table) implements RouterAction {
        public String describe() {
            return "apply nft table " + table.family() + " " + table.name() + table.netns().map(n -> " in " + n).orElse("");
        }
    }

    record DeleteTable(String owner, Optional<String> netns, String family, String name) implements RouterAction {
        public String describe() {
            return "delete nft table " + family + " " + name + netns.map(n -> " in " + n).orElse("");
        }
    }

    /** @param netns the namespace holding the link (empty: the node namespace) */
    record DeleteLink(String owner, Optional<String> netns, String name) implements RouterAction {
        public String describe() {
            return "delete link " + name + netns.map(n -> " in " + n).orElse("");
        }
    }

    record DeleteNamespace(String owner, String netns) implements RouterAction {
        public String describe() {
            return "delete external namespace " + netns;
        }
    }
}
