package dev.cirrus.node.network;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.cirrus.node.host.Command;

/**
 * The per-network router namespace on this node. Its veth's inside end carries the gateway IP and
 * a MAC derived from the VNI, identical on every node (a distributed gateway: a VM always finds its
 * gateway on its own node); the outside end is a port of the network bridge.
 */
public final class RouterNamespaceDriver {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final NodeHost node;
    private final LinkDriver links;

    public RouterNamespaceDriver(NodeHost node, LinkDriver links) {
        this.node = node;
        this.links = links;
    }

    public void ensure(Action.EnsureRouterNamespace action) {
        if (!exists(action.netns())) {
            node.host().run(Command.of("ip", "netns", "add", action.netns()));
        }
        node.runIn(action.netns(), "ip", "link", "set", "dev", "lo", "up");
    }

    public void configureGateway(Action.ConfigureGateway action) {
        configurePair(action);
        links.attach(action.outside(), action.bridge(), action.mtu());
    }

    /**
     * The veth pair with the gateway on its inside end, without attaching the outside end: the
     * Linux backend enslaves it to a bridge, the OVS backend adds it as a port.
     */
    public void configurePair(Action.ConfigureGateway action) {
        boolean inside = node.attemptIn(action.netns(), "ip", "link", "show", "dev", action.inside()).ok();
        boolean outside = links.exists(action.outside());
        if (!inside || !outside) {
            // Half a pair cannot be completed: start over (deleting one end deletes its peer).
            if (inside) {
                node.runIn(action.netns(), "ip", "link", "delete", "dev", action.inside());
            }
            links.delete(action.outside());
            node.run("ip", "link", "add", action.outside(), "type", "veth", "peer", "name", action.inside(),
                    "netns", action.netns());
        }
        node.runIn(action.netns(), "ip", "link", "set", "dev", action.inside(), "address", action.mac(), "mtu",
                Integer.toString(action.mtu()), "up");
        List<String> present = ipv4Cidrs(action.netns(), action.inside());
        for (String cidr : present) {
            if (!cidr.equals(action.cidr())) {
                node.runIn(action.netns(), "ip", "address", "del", cidr, "dev", action.inside());
            }
        }
        if (!present.contains(action.cidr())) {
            node.runIn(action.netns(), "ip", "address", "add", action.cidr(), "dev", action.inside());
        }
    }

    public void delete(Action.DeleteRouterNamespace action) {
        if (exists(action.netns())) {
            node.host().run(Command.of("ip", "netns", "delete", action.netns()));
        }
    }

    private List<String> ipv4Cidrs(String netns, String link) {
        List<String> cidrs = new ArrayList<>();
        try {
            JsonNode parsed = JSON.readTree(node.runIn(netns, "ip", "-json", "-4", "address", "show", "dev", link).stdout());
            parsed.forEach(l -> l.path("addr_info").forEach(
                    a -> cidrs.add(a.path("local").asText() + "/" + a.path("prefixlen").asInt())));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return cidrs;
    }

    private boolean exists(String netns) {
        try {
            String listed = node.host().run(Command.of("ip", "-json", "netns", "list")).stdout();
            if (listed.isBlank()) {
                return false;
            }
            for (JsonNode ns : JSON.readTree(listed)) {
                if (netns.equals(ns.path("name").asText())) {
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
