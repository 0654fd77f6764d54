package dev.cirrus.node.network;

/** Hands each action to the driver that owns that kind of host object. */
final class ActionRunner {
    private final LinkDriver links;
    private final LinuxBridgeDriver bridges;
    private final VxlanTunnelDriver vxlans;
    private final TapDriver taps;
    private final RouterNamespaceDriver routers;
    private final GatewayIsolationDriver isolation;
    private final DnsmasqDriver dnsmasq;

    ActionRunner(NodeHost node) {
        this.links = new LinkDriver(node);
        this.bridges = new LinuxBridgeDriver(node, links);
        this.vxlans = new VxlanTunnelDriver(node, links);
        this.taps = new TapDriver(node, links);
        this.routers = new RouterNamespaceDriver(node, links);
        this.isolation = new GatewayIsolationDriver(node);
        this.dnsmasq = new DnsmasqDriver(node);
    }

    void run(Action action) {
        if (action instanceof Action.CreateBridge a) {
            bridges.create(a);
        } else if (action instanceof Action.CreateVxlan a) {
            vxlans.create(a);
        } else if (action instanceof Action.CreateTap a) {
            taps.create(a);
        } else if (action instanceof Action.SetMaster a) {
            bridges.attach(a);
        } else if (action instanceof Action.SetMtu a) {
            links.setMtu(a.link(), a.mtu());
        } else if (action instanceof Action.SetLinkUp a) {
            links.setUp(a.link());
        } else if (action instanceof Action.AddFdbPeer a) {
            vxlans.addPeer(a);
        } else if (action instanceof Action.RemoveFdbPeer a) {
            vxlans.removePeer(a);
        } else if (action instanceof Action.DeleteLink a) {
            links.delete(a.name());
        } else if (action instanceof Action.EnsureRouterNamespace a) {
            routers.ensure(a);
        } else if (action instanceof Action.ConfigureGateway a) {
            routers.configureGateway(a);
        } else if (action instanceof Action.IsolateGateway a) {
            isolation.isolate(a);
        } else if (action instanceof Action.RemoveGatewayIsolation a) {
            isolation.remove(a);
        } else if (action instanceof Action.WriteDnsmasqConfig a) {
            dnsmasq.write(a);
        } else if (action instanceof Action.RestartDnsmasq a) {
            dnsmasq.restart(a);
        } else if (action instanceof Action.StopDnsmasq a) {
            dnsmasq.stop(a);
        } else if (action instanceof Action.DeleteRouterNamespace a) {
            routers.delete(a);
        } else {
            throw new IllegalArgumentException("no driver for " + action);
        }
    }
}
