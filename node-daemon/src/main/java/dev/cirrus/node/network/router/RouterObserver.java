package dev.cirrus.node.network.router;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.cirrus.node.host.CommandResult;
import dev.cirrus.node.network.InterfaceNames;
import dev.cirrus.node.network.router.RoutingObserved.Link;
import dev.cirrus.node.network.router.RoutingObserved.Namespace;
import dev.cirrus.node.network.router.RoutingObserved.Route;

/** Reads the host into a {@link RoutingObserved}: namespaces, links, routes, forwarding and tables. */
final class RouterObserver {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final NamespaceCommands commands;
    private final NftTableDriver tables;
    private final RouterStateFile stateFile;

    RouterObserver(NamespaceCommands commands, NftTableDriver tables, RouterStateFile stateFile) {
        this.commands = commands;
        this.tables = tables;
        this.stateFile = stateFile;
    }

    RoutingObserved observe(RoutingDesired desired) {
        Set<String> namespaces = new HashSet<>();
        parse(commands.runOnHost("ip", "-json", "netns", "list")).forEach(n -> namespaces.add(n.path("name").asText()));
        Map<String, Link> nodeLinks = links(commands.run(Optional.empty(), "ip", "-json", "address", "show"));
        Map<String, String> listings = new HashMap<>();
        Set<String> routers = new HashSet<>();
        Set<String> externals = new HashSet<>();
        desired.networks().forEach(n -> routers.add(n.routerNamespace()));
        desired.externals().forEach(e -> externals.add(desired.externalNamespace(e.name())));
        for (String ns : namespaces) {
            if (InterfaceNames.isOwnedRouterNamespace(desired.nodeName(), ns)) {
                routers.add(ns);
            } else if (RouterNames.isOwnedExternalNamespace(desired.nodeName(), ns)) {
                externals.add(ns);
            }
        }
        Map<String, Namespace> inside = new HashMap<>();
        for (String ns : namespaces) {
            boolean router = routers.contains(ns);
            if (!router && !externals.contains(ns)) {
                continue;
            }
            inside.put(ns, namespace(ns));
            String table = router ? RouterNames.ROUTER_TABLE : RouterNames.EXTERNAL_TABLE;
            tables.list(Optional.of(ns), "ip", table)
                    .ifPresent(text -> listings.put(NftTable.id(Optional.of(ns), "ip", table), text));
        }
        CommandResult bridgeTables = commands.attempt(Optional.empty(), "nft", "-j", "list", "tables", "bridge");
        if (bridgeTables.ok()) {
            parse(bridgeTables).path("nftables").forEach(item -> {
                String name = item.path("table").path("name").asText("");
                if (RouterNames.isOwnedAntiSpoofTable(name)) {
                    tables.list(Optional.empty(), "bridge", name)
                            .ifPresent(text -> listings.put(NftTable.id(desired.nodeNetns(), "bridge", name), text));
                }
            });
        }
        return new RoutingObserved(namespaces, nodeLinks, inside, listings, stateFile.read());
    }

    private Namespace namespace(String ns) {
        Optional<String> netns = Optional.of(ns);
        CommandResult addresses = commands.attempt(netns, "ip", "-json", "address", "show");
        if (!addresses.ok()) {
            return Namespace.EMPTY; // deleted meanwhile
        }
        Set<String> routes = new HashSet<>();
        parse(commands.run(netns, "ip", "-json", "route", "show")).forEach(r -> routes.add(new Route(
                r.path("dst").asText(), r.path("gateway").asText(""), r.path("dev").asText()).describe()));
        boolean forwarding = "1".equals(commands.run(netns, "sysctl", "-n", "net.ipv4.ip_forward").stdout().strip());
        return new Namespace(links(addresses), routes, forwarding);
    }

    private static Map<String, Link> links(CommandResult result) {
        Map<String, Link> links = new HashMap<>();
        for (JsonNode l : parse(result)) {
            List<String> cidrs = new ArrayList<>();
            l.path("addr_info").forEach(a -> {
                if ("inet".equals(a.path("family").asText())) {
                    cidrs.add(a.path("local").asText() + "/" + a.path("prefixlen").asInt());
                }
            });
            boolean up = false;
            for (JsonNode flag : l.path("flags")) {
                up |= "UP".equals(flag.asText());
            }
            String name = l.path("ifname").asText();
            links.put(name, new Link(name, Optional.ofNullable(l.path("master").textValue()), up, cidrs));
        }
        return links;
    }

    private static JsonNode parse(CommandResult result) {
        try {
            String json = result.stdout();
            return json.isBlank() ? JSON.createArrayNode() : JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException("unparseable JSON from the host: " + result.stdout(), e);
        }
    }
}
