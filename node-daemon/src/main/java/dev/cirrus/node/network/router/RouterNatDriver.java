package dev.cirrus.node.network.router;

import java.util.Optional;

import dev.cirrus.node.network.router.RouterAction.ConnectRouter;
import dev.cirrus.node.network.router.RouterAction.ForgetConnections;

/**
 * The router namespace's side of routing: the veth pair to the external namespace with its
 * link-local /31, forwarding on, the default route over the pair, and conntrack clean-up when an
 * external address leaves (NAT state would otherwise keep established flows alive).
 */
final class RouterNatDriver {
    private final NamespaceCommands commands;

    RouterNatDriver(NamespaceCommands commands) {
        this.commands = commands;
    }

    void connect(ConnectRouter action) {
        Optional<String> router = Optional.of(action.routerNetns());
        Optional<String> external = Optional.of(action.externalNetns());
        boolean routerEnd = commands.attempt(router, "ip", "link", "show", "dev", action.routerSide()).ok();
        boolean externalEnd = commands.attempt(external, "ip", "link", "show", "dev", action.externalSide()).ok();
        if (!routerEnd || !externalEnd) {
            if (routerEnd) {
                commands.run(router, "ip", "link", "delete", "dev", action.routerSide());
            }
            if (externalEnd) {
                commands.run(external, "ip", "link", "delete", "dev", action.externalSide());
            }
            commands.run(router, "ip", "link", "add", action.routerSide(), "type", "veth", "peer", "name",
                    action.externalSide(), "netns", action.externalNetns());
        }
        address(router, action.routerSide(), action.link().routerIp() + "/31");
        address(external, action.externalSide(), action.link().externalIp() + "/31");
        commands.sysctl(action.routerNetns(), "net.ipv4.ip_forward", "1");
        commands.run(router, "ip", "route", "replace", "default", "via", action.link().externalIp(), "dev",
                action.routerSide());
    }

    void forget(ForgetConnections action) {
        // Exit code 1 means "nothing to delete": both are fine.
        commands.attempt(Optional.of(action.netns()), "conntrack", "-D", "--orig-dst", action.ip());
        commands.attempt(Optional.of(action.netns()), "conntrack", "-D", "--reply-dst", action.ip());
    }

    private void address(Optional<String> netns, String link, String cidr) {
        commands.run(netns, "ip", "address", "flush", "dev", link);
        commands.run(netns, "ip", "address", "add", cidr, "dev", link);
        commands.run(netns, "ip", "link", "set", "dev", link, "up");
    }
}
