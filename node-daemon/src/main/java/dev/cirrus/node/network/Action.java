package dev.cirrus.node.network;

import java.nio.file.Path;

/**
 * One step that changes the host. {@link #owner()} is the network key ("ns/name"), the port key
 * ("vmUid/interface") or {@link #GC}: a failed step is reported on its owner and the others go on.
 */
public sealed interface Action extends PlannedStep {
    String GC = "gc";

    record CreateBridge(String owner, String name, int mtu) implements Action {
        public String describe() {
            return "create bridge " + name + " mtu " + mtu;
        }
    }

    record CreateVxlan(String owner, String name, long vni, String local, int mtu, String bridge) implements Action {
        public String describe() {
            return "create vxlan " + name + " id " + vni + " local " + local + " mtu " + mtu + " on " + bridge;
        }
    }

    record CreateTap(String owner, String name, int mtu, String bridge) implements Action {
        public String describe() {
            return "create tap " + name + " mtu " + mtu + " on " + bridge;
        }
    }

    record SetMaster(String owner, String link, String bridge) implements Action {
        public String describe() {
            return "attach " + link + " to " + bridge;
        }
    }

    record SetMtu(String owner, String link, int mtu) implements Action {
        public String describe() {
            return "set " + link + " mtu " + mtu;
        }
    }

    record SetLinkUp(String owner, String link) implements Action {
        public String describe() {
            return "set " + link + " up";
        }
    }

    record AddFdbPeer(String owner, String vxlan, String peer) implements Action {
        public String describe() {
            return "add fdb peer " + peer + " on " + vxlan;
        }
    }

    record RemoveFdbPeer(String owner, String vxlan, String peer) implements Action {
        public String describe() {
            return "remove fdb peer " + peer + " from " + vxlan;
        }
    }

    record DeleteLink(String owner, String name) implements Action {
        public String describe() {
            return "delete link " + name;
        }
    }

    record EnsureRouterNamespace(String owner, String netns) implements Action {
        public String describe() {
            return "create router namespace " + netns;
        }
    }

    /** (Re)creates the router veth pair: inside end holds the gateway address and MAC, outside end joins the bridge. */
    record ConfigureGateway(String owner, String netns, String outside, String inside, String mac, String cidr,
            int mtu, String bridge) implements Action {
        public String describe() {
            return "configure gateway " + cidr + " (" + mac + ") on " + inside + " in " + netns;
        }
    }

    /** Keeps the distributed gateway's ARP and frames off the tunnel (see {@code GatewayIsolationDriver}). */
    record IsolateGateway(String owner, String table, String vxlan, String gatewayMac, String gatewayIp)
            implements Action {
        public String describe() {
            return "isolate gateway " + gatewayIp + " (" + gatewayMac + ") from " + vxlan + " (nft table bridge " + table + ")";
        }
    }

    record RemoveGatewayIsolation(String owner, String table) implements Action {
        public String describe() {
            return "delete nft table bridge " + table;
        }
    }

    record WriteDnsmasqConfig(String owner, Path path, String content) implements Action {
        public String describe() {
            return "write dnsmasq config " + path;
        }
    }

    record RestartDnsmasq(String owner, String netns, Path config, Path pidFile) implements Action {
        public String describe() {
            return "(re)start dnsmasq in " + netns;
        }
    }

    record StopDnsmasq(String owner, String netns, Path pidFile) implements Action {
        public String describe() {
            return "stop dnsmasq in " + netns;
        }
    }

    record DeleteRouterNamespace(String owner, String netns) implements Action {
        public String describe() {
            return "delete router namespace " + netns;
        }
    }
}
