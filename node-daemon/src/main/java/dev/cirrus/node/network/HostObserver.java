package dev.cirrus.node.network;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.cirrus.node.host.Command;
import dev.cirrus.node.host.CommandResult;
import dev.cirrus.node.network.ObservedNode.Dnsmasq;
import dev.cirrus.node.network.ObservedNode.Link;

/** Reads the host into an {@link ObservedNode}: ip/bridge/nft JSON, dnsmasq files and /proc. */
public final class HostObserver {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final NodeHost node;
    private final NetworkPlanner planner;
    private final StateFile stateFile;

    public HostObserver(NodeHost node, NetworkPlanner planner, StateFile stateFile) {
        this.node = node;
        this.planner = planner;
        this.stateFile = stateFile;
    }

    public ObservedNode observe(NodeNetworkDesired desired) {
        Map<String, Link> links = links(node.run("ip", "-json", "-details", "address", "show"));
        Map<String, Set<String>> fdb = new HashMap<>();
        for (Link link : links.values()) {
            if ("vxlan".equals(link.kind()) && InterfaceNames.OWNED_LINK.matcher(link.name()).matches()) {
                fdb.put(link.name(), floodPeers(node.run("bridge", "-json", "fdb", "show", "dev", link.name())));
            }
        }
        Set<String> namespaces = namespaces(node.host().run(Command.of("ip", "-json", "netns", "list")));
        Map<String, Map<String, Link>> gateways = new HashMap<>();
        Map<String, Dnsmasq> dnsmasq = new HashMap<>();
        observeRouters(desired, namespaces, gateways, dnsmasq);
        Set<String> tables = nftTables(node.attempt("nft", "-j", "list", "tables", "bridge"));
        return new ObservedNode(links, fdb, namespaces, gateways, dnsmasq, tables, stateFile.read());
    }

    /**
     * The router side of every network (shared with the OVS backend): per router namespace that is
     * desired, exists or has dnsmasq files, the links inside it and its dnsmasq.
     */
    void observeRouters(NodeNetworkDesired desired, Set<String> namespaces, Map<String, Map<String, Link>> gateways,
            Map<String, Dnsmasq> dnsmasq) {
        Set<String> routerNamespaces = new HashSet<>();
        for (NetworkDesired network : desired.networks()) {
            routerNamespaces.add(planner.layout(desired, network).routerNamespace());
        }
        namespaces.stream().filter(ns -> InterfaceNames.isOwnedRouterNamespace(desired.nodeName(), ns))
                .forEach(routerNamespaces::add);
        routerNamespaces.addAll(dnsmasqFilesOnDisk(desired.nodeName()));
        for (String ns : routerNamespaces) {
            if (namespaces.contains(ns)) {
                CommandResult inside = node.attemptIn(ns, "ip", "-json", "-details", "address", "show");
                if (inside.ok()) {
                    gateways.put(ns, links(inside));
                }
            }
            dnsmasq.put(ns, dnsmasq(ns, namespaces.contains(ns)));
        }
    }

    static Map<String, Link> links(CommandResult result) {
        Map<String, Link> links = new LinkedHashMap<>();
        for (JsonNode l : parse(result.stdout())) {
            JsonNode info = l.path("linkinfo");
            JsonNode data = info.path("info_data");
            boolean vxlan = "vxlan".equals(info.path("info_kind").asText());
            List<String> flags = new ArrayList<>();
            l.path("flags").forEach(f -> flags.add(f.asText()));
            List<String> cidrs = new ArrayList<>();
            l.path("addr_info").forEach(a -> {
                if ("inet".equals(a.path("family").asText())) {
                    cidrs.add(a.path("local").asText() + "/" + a.path("prefixlen").asInt());
                }
            });
            String name = l.path("ifname").asText();
            links.put(name, new Link(name, l.path("ifindex").asInt(), info.path("info_kind").asText(""),
                    Optional.ofNullable(l.path("master").textValue()), l.path("mtu").asInt(), flags.contains("UP"),
                    flags.contains("LOWER_UP"), l.path("address").asText(""),
                    vxlan && data.has("id") ? OptionalLong.of(data.path("id").asLong()) : OptionalLong.empty(),
                    vxlan ? Optional.ofNullable(data.path("local").textValue()) : Optional.empty(),
                    vxlan && data.has("port") ? OptionalInt.of(data.path("port").asInt()) : OptionalInt.empty(),
                    cidrs));
        }
        return links;
    }

    private static Set<String> floodPeers(CommandResult result) {
        Set<String> peers = new HashSet<>();
        for (JsonNode entry : parse(result.stdout())) {
            if ("00:00:00:00:00:00".equals(entry.path("mac").asText()) && entry.has("dst")) {
                peers.add(entry.path("dst").asText());
            }
        }
        return peers;
    }

    static Set<String> namespaces(CommandResult result) {
        Set<String> names = new HashSet<>();
        parse(result.stdout()).forEach(n -> names.add(n.path("name").asText()));
        return names;
    }

    private static Set<String> nftTables(CommandResult result) {
        Set<String> tables = new HashSet<>();
        if (result.ok()) {
            parse(result.stdout()).path("nftables").forEach(item -> {
                if (item.has("table")) {
                    tables.add(item.path("table").path("name").asText());
                }
            });
        }
        return tables;
    }

    private Set<String> dnsmasqFilesOnDisk(String nodeName) {
        Path dir = planner.dnsmasqDir();
        Set<String> found = new HashSet<>();
        if (Files.isDirectory(dir)) {
            try (Stream<Path> files = Files.list(dir)) {
                files.map(p -> p.getFileName().toString()).filter(f -> f.endsWith(".pid"))
                        .map(f -> f.substring(0, f.length() - ".pid".length()))
                        .filter(ns -> InterfaceNames.isOwnedRouterNamespace(nodeName, ns)).forEach(found::add);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return found;
    }

    private Dnsmasq dnsmasq(String ns, boolean namespaceExists) {
        NetworkLayout.DnsmasqFiles files = planner.dnsmasqFiles(ns);
        Optional<String> config = readIfPresent(files.config());
        OptionalInt pid = readIfPresent(files.pid()).map(String::strip).filter(s -> s.matches("\\d+"))
                .map(s -> OptionalInt.of(Integer.parseInt(s))).orElse(OptionalInt.empty());
        DnsmasqProcesses processes = new DnsmasqProcesses(node.host());
        boolean alive = pid.isPresent() && namespaceExists && processes.isDnsmasqIn(pid.getAsInt(), ns);
        // A dnsmasq whose namespace was deleted still runs (it pins the namespace): report it so GC stops it.
        boolean orphan = pid.isPresent() && !namespaceExists && processes.isDnsmasq(pid.getAsInt());
        return new Dnsmasq(config, alive || orphan ? pid : OptionalInt.empty());
    }

    private static Optional<String> readIfPresent(Path path) {
        try {
            return Optional.of(Files.readString(path, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static JsonNode parse(String json) {
        try {
            return json.isBlank() ? JSON.createArrayNode() : JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException("unparseable JSON from the host: " + json, e);
        }
    }
}
