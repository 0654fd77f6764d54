package dev.cirrus.node.network;

/** One Linux bridge per network per node: no VLAN filtering on these kernels, so isolation is per bridge. */
public final class LinuxBridgeDriver {
    private final NodeHost node;
    private final LinkDriver links;

    public LinuxBridgeDriver(NodeHost node, LinkDriver links) {
        this.node = node;
        this.links = links;
    }

    public void create(Action.CreateBridge action) {
        if (!links.exists(action.name())) {
            node.run("ip", "link", "add", "name", action.name(), "type", "bridge", "stp_state", "0");
        }
        node.run("ip", "link", "set", "dev", action.name(), "mtu", Integer.toString(action.mtu()), "up");
    }

    public void attach(Action.SetMaster action) {
        node.run("ip", "link", "set", "dev", action.link(), "master", action.bridge(), "up");
    }
}
