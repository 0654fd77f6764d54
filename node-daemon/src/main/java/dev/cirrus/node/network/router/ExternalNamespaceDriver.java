package dev.cirrus.node.network.router;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import dev.cirrus.node.network.router.RouterAction.Announce;
import dev.cirrus.node.network.router.RouterAction.ConnectUplink;
import dev.cirrus.node.network.router.RouterAction.DeleteNamespace;
import dev.cirrus.node.network.router.RouterAction.DeleteRoute;
import dev.cirrus.node.network.router.RouterAction.EnsureNamespace;
import dev.cirrus.node.network.router.RouterAction.SetRoute;

/**
 * The external ("fip") namespace of one ExternalNetwork on this node: a router between the uplink
 * bridge and the router namespaces. It answers ARP for the external addresses routed to its router
 * pairs by proxy ARP (no delay), so an address is announced exactly while its /32 route exists.
 */
final class ExternalNamespaceDriver {
    private final NamespaceCommands commands;

    ExternalNamespaceDriver(NamespaceCommands commands) {
        this.commands = commands;
    }

    void ensure(EnsureNamespace action) {
        if (!exists(action.netns())) {
            commands.runOnHost("ip", "netns", "add", action.netns());
        }
        Optional<String> ns = Optional.of(action.netns());
        commands.run(ns, "ip", "link", "set", "dev", "lo", "up");
        commands.sysctl(action.netns(), "net.ipv4.ip_forward", "1");
        // Gratuitous ARP is sent from the floating IP, which is not local here.
        commands.sysctl(action.netns(), "net.ipv4.ip_nonlocal_bind", "1");
    }

    void connectUplink(ConnectUplink action) {
        Optional<String> ns = Optional.of(action.netns());
        boolean inside = commands.attempt(ns, "ip", "link", "show", "dev", action.inside()).ok();
        boolean outside = commands.attempt(Optional.empty(), "ip", "link", "show", "dev", action.outside()).ok();
        if (!inside || !outside) {
            // Half a pair cannot be completed: start over (deleting one end deletes its peer).
            if (inside) {
                commands.run(ns, "ip", "link", "delete", "dev", action.inside());
            }
            if (outside) {
                commands.run(Optional.empty(), "ip", "link", "delete", "dev", action.outside());
            }
            commands.run(Optional.empty(), "ip", "link", "add", action.outside(), "type", "veth", "peer", "name",
                    action.inside(), "netns", action.netns());
        }
        commands.run(ns, "ip", "address", "flush", "dev", action.inside());
        commands.run(ns, "ip", "address", "add", action.cidr(), "dev", action.inside());
        commands.sysctl(action.netns(), "net.ipv4.conf." + action.inside() + ".proxy_arp", "1");
        commands.sysctl(action.netns(), "net.ipv4.neigh." + action.inside() + ".proxy_delay", "0");
        commands.run(ns, "ip", "link", "set", "dev", action.inside(), "up");
        commands.run(ns, "ip", "route", "replace", "default", "via", action.gateway(), "dev", action.inside());
        commands.run(Optional.empty(), "ip", "link", "set", "dev", action.outside(), "master", action.bridge(), "up");
    }

    void setRoute(SetRoute action) {
        commands.run(Optional.of(action.netns()), "ip", "route", "replace", action.dst() + "/32", "via", action.via(),
                "dev", action.dev());
    }

    void deleteRoute(DeleteRoute action) {
        commands.attempt(Optional.of(action.netns()), "ip", "route", "del", action.dst() + "/32", "dev", action.dev());
    }

    /** One unsolicited ARP request (iputils arping waits 1 s after it: acceptable, once per new address). */
    void announce(Announce action) {
        commands.run(Optional.of(action.netns()), "arping", "-U", "-c", "1", "-I", action.dev(), "-s", action.ip(),
                action.ip());
    }

    void delete(DeleteNamespace action) {
        if (exists(action.netns())) {
            commands.runOnHost("ip", "netns", "delete", action.netns());
        }
    }

    private static boolean exists(String netns) {
        return Files.exists(Path.of("/run/netns", netns));
    }
}
