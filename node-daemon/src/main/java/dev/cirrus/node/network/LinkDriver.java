package dev.cirrus.node.network;

/** Operations every Cirrus link shares; each reads before it writes, so re-running one is harmless. */
public final class LinkDriver {
    private final NodeHost node;

    public LinkDriver(NodeHost node) {
        this.node = node;
    }

    public boolean exists(String link) {
        return node.attempt("ip", "link", "show", "dev", link).ok();
    }

    public void setMtu(String link, int mtu) {
        node.run("ip", "link", "set", "dev", link, "mtu", Integer.toString(mtu));
    }

    public void setUp(String link) {
        node.run("ip", "link", "set", "dev", link, "up");
    }

    public void delete(String link) {
        if (exists(link)) {
            node.run("ip", "link", "delete", "dev", link);
        }
    }

    /** Attach to a bridge, set the MTU and bring up, in one netlink request. */
    public void attach(String link, String bridge, int mtu) {
        node.run("ip", "link", "set", "dev", link, "mtu", Integer.toString(mtu), "master", bridge, "up");
    }
}
