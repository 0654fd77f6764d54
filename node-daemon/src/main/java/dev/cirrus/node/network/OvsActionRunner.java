package dev.cirrus.node.network;

/** Hands each OVS action to its driver; router steps go to the drivers the Linux backend uses. */
final class OvsActionRunner {
    private final NodeHost node;
    private final LinkDriver links;
    private final OvsDriver ovs;
    private final RouterNamespaceDriver routers;
    private final DnsmasqDriver dnsmasq;

    OvsActionRunner(NodeHost node, OvsClient client) {
        this.node = node;
        this.links = new LinkDriver(node);
        this.ovs = new OvsDriver(client);
        this.routers = new RouterNamespaceDriver(node, links);
        this.dnsmasq = new DnsmasqDriver(node);
    }

    void run(OvsAction action) {
        if (action instanceof OvsAction.EnsureBridge a) {
            ovs.ensureBridge(a);
        } else if (action instanceof OvsAction.EnsurePort a) {
            ovs.ensurePort(a);
        } else if (action instanceof OvsAction.DeletePort a) {
            ovs.deletePort(a);
        } else if (action instanceof OvsAction.SyncFlows a) {
            ovs.syncFlows(a);
        } else if (action instanceof OvsAction.TuneLink a) {
            tune(a.name(), a.mtu(), a.tap());
        } else if (action instanceof OvsAction.DeleteLink a) {
            links.delete(a.name());
        } else if (action instanceof OvsAction.Router a) {
            runRouterStep(a.step());
        } else {
            throw new IllegalArgumentException("no driver for " + action);
        }
    }

    private void runRouterStep(Action step) {
        if (step instanceof Action.EnsureRouterNamespace a) {
            routers.ensure(a);
        } else if (step instanceof Action.ConfigureGateway a) {
            routers.configurePair(a);
            // Userspace OVS forwards what it reads from a packet socket as is: a checksum left to
            // offload would leave the node broken (ping works, TCP and DNS silently do not).
            node.runIn(a.netns(), "ethtool", "-K", a.inside(), "tx", "off");
            tune(a.outside(), a.mtu(), false);
        } else if (step instanceof Action.WriteDnsmasqConfig a) {
            dnsmasq.write(a);
        } else if (step instanceof Action.RestartDnsmasq a) {
            dnsmasq.restart(a);
        } else if (step instanceof Action.StopDnsmasq a) {
            dnsmasq.stop(a);
        } else if (step instanceof Action.DeleteRouterNamespace a) {
            routers.delete(a);
        } else {
            throw new IllegalArgumentException("not a router step: " + step);
        }
    }

    /** A tap is created persistent (QEMU or libvirt managed='no' opens it later); a device of that name is adopted. */
    private void tune(String link, int mtu, boolean tap) {
        if (tap && !links.exists(link)) {
            node.run("ip", "tuntap", "add", "dev", link, "mode", "tap");
        }
        node.run("ip", "link", "set", "dev", link, "mtu", Integer.toString(mtu), "up");
        node.run("ethtool", "-K", link, "tx", "off");
    }
}
