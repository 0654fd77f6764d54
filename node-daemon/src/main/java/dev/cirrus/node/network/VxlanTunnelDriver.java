package dev.cirrus.node.network;

/**
 * One kernel VXLAN device per network per node. {@code nolearning} plus one all-zeros FDB entry per
 * peer node: broadcast and unknown unicast are replicated to every peer (head-end replication, no
 * multicast underlay needed) and the bridge learns which peer hosts which MAC.
 */
public final class VxlanTunnelDriver {
    private final NodeHost node;
    private final LinkDriver links;

    public VxlanTunnelDriver(NodeHost node, LinkDriver links) {
        this.node = node;
        this.links = links;
    }

    public void create(Action.CreateVxlan action) {
        if (!links.exists(action.name())) {
            node.run("ip", "link", "add", action.name(), "type", "vxlan", "id", Long.toString(action.vni()),
                    "local", action.local(), "dstport", NetworkPlanner.VXLAN_PORT, "nolearning");
        }
        links.attach(action.name(), action.bridge(), action.mtu());
    }

    public void addPeer(Action.AddFdbPeer action) {
        node.run("bridge", "fdb", "append", "00:00:00:00:00:00", "dev", action.vxlan(), "dst", action.peer());
    }

    public void removePeer(Action.RemoveFdbPeer action) {
        node.run("bridge", "fdb", "del", "00:00:00:00:00:00", "dev", action.vxlan(), "dst", action.peer());
    }
}
