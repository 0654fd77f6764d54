package dev.cirrus.node.network;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.cirrus.node.host.Command;
import dev.cirrus.node.host.CommandResult;
import dev.cirrus.node.host.HostCommands;

/**
 * A stateful in-memory host for unit tests: it models what the Linux backend's commands do
 * (network namespaces; links with kind, master, MTU, up state, addresses, veth peers; VXLAN flood
 * FDB entries; nftables tables; dnsmasq processes started from a config file, known by pid) and
 * answers the observe commands ({@code ip -json ...}, {@code bridge -json fdb show},
 * {@code nft -j list tables}, {@code ps}, {@code ip netns identify}) from that state, in the
 * kernel's JSON shapes. Errors look like the real tools' (exit code + stderr). A command it does
 * not model fails the test with an {@link AssertionError}: a new host command must be taught here.
 *
 * <p>Files the backend writes itself (dnsmasq config, pid files) stay on the real disk, in the
 * test's temporary state directory; the fake writes the pid file like dnsmasq does.
 */
final class FakeHost implements HostCommands {
    /** The host (initial) namespace: commands without a namespace run here. */
    static final String ROOT = "";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, Netns> namespaces = new TreeMap<>();
    private final Map<Integer, Process> processes = new TreeMap<>();
    private final List<Command> log = new ArrayList<>();
    private final Map<Predicate<Command>, String> failures = new LinkedHashMap<>();
    private int nextIfindex = 2;
    private int nextPid = 4000;

    FakeHost() {
        namespaces.put(ROOT, new Netns(ROOT));
    }

    /** One namespace's objects; identity matters: a re-created namespace of the same name is another one. */
    static final class Netns {
        final String name;
        final Map<String, Link> links = new LinkedHashMap<>();
        final Set<String> nftTables = new LinkedHashSet<>();

        Netns(String name) {
            this.name = name;
            links.put("lo", new Link("lo", 1, "", this));
        }
    }

    static final class Link {
        final String name;
        final int ifindex;
        final String kind;
        final Netns netns;
        String master;
        int mtu = 1500;
        boolean up;
        String mac;
        final List<String> cidrs = new ArrayList<>();
        long vni;
        String local;
        int dstPort;
        final Set<String> floodPeers = new LinkedHashSet<>();
        Link peer;
        /** A tap whose other side (a VM) is attached: only then has it a carrier. */
        boolean opened;

        Link(String name, int ifindex, String kind, Netns netns) {
            this.name = name;
            this.ifindex = ifindex;
            this.kind = kind;
            this.netns = netns;
            this.mac = String.format("02:fa:00:00:%02x:%02x", ifindex >> 8 & 0xff, ifindex & 0xff);
        }

        boolean lowerUp() {
            return switch (kind) {
                case "veth" -> up && peer != null && peer.up;
                case "tun" -> up && opened;
                default -> up;
            };
        }
    }

    record Process(int pid, String comm, Netns netns, Path config) {
    }

    // ---- test controls --------------------------------------------------------------------------

    /** Commands matching {@code when} fail with exit code 2 and this stderr until {@link #heal()}. */
    FakeHost failWhen(Predicate<Command> when, String stderr) {
        failures.put(when, stderr);
        return this;
    }

    FakeHost heal() {
        failures.clear();
        return this;
    }

    void clearLog() {
        log.clear();
    }

    /** Every command run since the last {@link #clearLog()}, as effective argv lines. */
    List<String> commands() {
        return log.stream().map(c -> String.join(" ", c.effectiveArgv())).toList();
    }

    /** The commands that change the host (everything but show/list/identify and ps). */
    List<String> mutations() {
        return log.stream().filter(c -> !isObservation(c)).map(c -> String.join(" ", c.effectiveArgv())).toList();
    }

    Optional<Netns> netns(String name) {
        return Optional.ofNullable(namespaces.get(name));
    }

    Optional<Link> link(String netns, String name) {
        return netns(netns).map(n -> n.links.get(name));
    }

    Set<String> namespaceNames() {
        return namespaces.keySet();
    }

    Collection<Process> processes() {
        return processes.values();
    }

    /** The dnsmasq processes running in the namespace currently of that name. */
    List<Process> dnsmasqIn(String netns) {
        Netns ns = namespaces.get(netns);
        return processes.values().stream().filter(p -> p.comm().equals("dnsmasq") && p.netns() == ns).toList();
    }

    /** A VM opens its tap (gives it a carrier). */
    void open(String netns, String tap) {
        link(netns, tap).orElseThrow().opened = true;
    }

    private static boolean isObservation(Command c) {
        return c.program().equals("ps") || c.argv().contains("show") || c.argv().contains("list")
                || c.argv().contains("identify");
    }

    // ---- HostCommands ---------------------------------------------------------------------------

    @Override
    public synchronized CommandResult attempt(Command command) {
        log.add(command);
        for (Map.Entry<Predicate<Command>, String> failure : failures.entrySet()) {
            if (failure.getKey().test(command)) {
                return result(command, 2, "", failure.getValue());
            }
        }
        Netns ns = namespaces.get(command.netns().orElse(ROOT));
        if (ns == null) {
            return result(command, 1, "", "Cannot open network namespace \"" + command.netns().get()
                    + "\": No such file or directory");
        }
        try {
            return result(command, 0, dispatch(new Args(command.argv()), ns, command), "");
        } catch (Failure f) {
            return result(command, f.exit, "", f.getMessage());
        }
    }

    private String dispatch(Args a, Netns ns, Command command) {
        String program = a.next();
        return switch (program) {
            case "ip" -> ip(a, ns);
            case "bridge" -> bridge(a, ns);
            case "nft" -> nft(a, ns, command.stdin());
            case "dnsmasq" -> dnsmasq(a, ns);
            case "kill" -> kill(a);
            case "ps" -> ps(a);
            default -> throw unmodelled(a);
        };
    }

    // ---- ip -------------------------------------------------------------------------------------

    private String ip(Args a, Netns ns) {
        boolean json = false;
        while (a.peek().startsWith("-")) {
            json |= a.next().equals("-json");
        }
        String object = a.next();
        return switch (object) {
            case "address", "addr" -> address(a, ns, json);
            case "link" -> link(a, ns);
            case "netns" -> netnsCommand(a, json);
            case "tuntap" -> tuntap(a, ns);
            default -> throw unmodelled(a);
        };
    }

    private String address(Args a, Netns ns, boolean json) {
        String verb = a.next();
        switch (verb) {
            case "show" -> {
                Collection<Link> links = ns.links.values();
                if (a.hasNext()) {
                    a.expect("dev");
                    links = List.of(existing(ns, a.next()));
                }
                if (!json) {
                    throw unmodelled(a);
                }
                ArrayNode out = JSON.createArrayNode();
                links.forEach(l -> out.add(linkJson(l)));
                return out.toString();
            }
            case "add", "del" -> {
                String cidr = a.next();
                a.expect("dev");
                Link link = existing(ns, a.next());
                if (verb.equals("add")) {
                    if (link.cidrs.contains(cidr)) {
                        throw new Failure(2, "RTNETLINK answers: File exists");
                    }
                    link.cidrs.add(cidr);
                } else if (!link.cidrs.remove(cidr)) {
                    throw new Failure(2, "RTNETLINK answers: Cannot assign requested address");
                }
                return "";
            }
            default -> throw unmodelled(a);
        }
    }

    private ObjectNode linkJson(Link l) {
        ObjectNode o = JSON.createObjectNode();
        o.put("ifindex", l.ifindex);
        o.put("ifname", l.name);
        ArrayNode flags = o.putArray("flags");
        flags.add("BROADCAST");
        flags.add("MULTICAST");
        if (l.up) {
            flags.add("UP");
        }
        if (l.lowerUp()) {
            flags.add("LOWER_UP");
        }
        o.put("mtu", l.mtu);
        if (l.master != null) {
            o.put("master", l.master);
        }
        o.put("operstate", l.lowerUp() ? "UP" : "DOWN");
        o.put("address", l.mac);
        if (!l.kind.isEmpty()) {
            ObjectNode info = o.putObject("linkinfo");
            info.put("info_kind", l.kind);
            if (l.kind.equals("vxlan")) {
                ObjectNode data = info.putObject("info_data");
                data.put("id", l.vni);
                data.put("local", l.local);
                data.put("port", l.dstPort);
            }
        }
        ArrayNode addrs = o.putArray("addr_info");
        for (String cidr : l.cidrs) {
            ObjectNode addr = addrs.addObject();
            addr.put("family", "inet");
            addr.put("local", cidr.substring(0, cidr.indexOf('/')));
            addr.put("prefixlen", Integer.parseInt(cidr.substring(cidr.indexOf('/') + 1)));
        }
        return o;
    }

    private String link(Args a, Netns ns) {
        String verb = a.next();
        switch (verb) {
            case "show" -> {
                a.expect("dev");
                Link l = existing(ns, a.next());
                return l.ifindex + ": " + l.name + ": mtu " + l.mtu + "\n";
            }
            case "add" -> {
                addLink(a, ns);
                return "";
            }
            case "set" -> {
                setLink(a, ns);
                return "";
            }
            case "delete", "del" -> {
                a.skip("dev");
                delete(existing(ns, a.next()));
                return "";
            }
            default -> throw unmodelled(a);
        }
    }

    private void addLink(Args a, Netns ns) {
        a.skip("name");
        String name = a.next();
        a.expect("type");
        String type = a.next();
        if (ns.links.containsKey(name)) {
            throw new Failure(2, "RTNETLINK answers: File exists");
        }
        Link link = new Link(name, nextIfindex++, type, ns);
        switch (type) {
            case "bridge" -> {
                a.expect("stp_state");
                a.next();
            }
            case "vxlan" -> {
                while (a.hasNext()) {
                    switch (a.next()) {
                        case "id" -> link.vni = Long.parseLong(a.next());
                        case "local" -> link.local = a.next();
                        case "dstport" -> link.dstPort = Integer.parseInt(a.next());
                        case "nolearning" -> { }
                        default -> throw unmodelled(a);
                    }
                }
            }
            case "veth" -> {
                a.expect("peer");
                a.expect("name");
                String peerName = a.next();
                Netns peerNs = ns;
                if (a.hasNext()) {
                    a.expect("netns");
                    peerNs = namespaces.get(a.next());
                    if (peerNs == null) {
                        throw new Failure(1, "Invalid \"netns\" value");
                    }
                }
                if (peerNs.links.containsKey(peerName)) {
                    throw new Failure(2, "RTNETLINK answers: File exists");
                }
                Link peer = new Link(peerName, nextIfindex++, "veth", peerNs);
                link.peer = peer;
                peer.peer = link;
                peerNs.links.put(peerName, peer);
            }
            default -> throw unmodelled(a);
        }
        if (a.hasNext()) {
            throw unmodelled(a);
        }
        ns.links.put(name, link);
    }

    private void setLink(Args a, Netns ns) {
        a.skip("dev");
        Link link = existing(ns, a.next());
        while (a.hasNext()) {
            switch (a.next()) {
                case "mtu" -> link.mtu = Integer.parseInt(a.next());
                case "up" -> link.up = true;
                case "down" -> link.up = false;
                case "address" -> link.mac = a.next();
                case "nomaster" -> link.master = null;
                case "master" -> {
                    String bridge = a.next();
                    Link master = ns.links.get(bridge);
                    if (master == null) {
                        throw new Failure(1, "Device \"" + bridge + "\" does not exist.");
                    }
                    if (!master.kind.equals("bridge")) {
                        throw new Failure(2, "RTNETLINK answers: Operation not supported");
                    }
                    link.master = bridge;
                }
                default -> throw unmodelled(a);
            }
        }
    }

    private void delete(Link link) {
        link.netns.links.remove(link.name);
        if (link.kind.equals("bridge")) {
            link.netns.links.values().stream().filter(l -> link.name.equals(l.master)).forEach(l -> l.master = null);
        }
        if (link.peer != null) {
            link.peer.netns.links.remove(link.peer.name);
            link.peer.peer = null;
        }
    }

    private String netnsCommand(Args a, boolean json) {
        String verb = a.next();
        switch (verb) {
            case "list" -> {
                if (!json) {
                    throw unmodelled(a);
                }
                if (namespaces.size() == 1) {
                    return ""; // like ip: no output at all when there is none
                }
                ArrayNode out = JSON.createArrayNode();
                namespaces.keySet().stream().filter(n -> !n.equals(ROOT)).forEach(n -> out.addObject().put("name", n));
                return out.toString();
            }
            case "add" -> {
                String name = a.next();
                if (namespaces.containsKey(name)) {
                    throw new Failure(1, "Cannot create namespace file \"/run/netns/" + name + "\": File exists");
                }
                namespaces.put(name, new Netns(name));
                return "";
            }
            case "delete", "del" -> {
                Netns gone = namespaces.remove(a.next());
                if (gone == null) {
                    throw new Failure(1, "Cannot remove namespace file: No such file or directory");
                }
                // Its links die with it, and so do their veth peers elsewhere. Processes keep running.
                List.copyOf(gone.links.values()).forEach(this::delete);
                return "";
            }
            case "identify" -> {
                Process p = processes.get(Integer.parseInt(a.next()));
                if (p == null) {
                    throw new Failure(1, "Cannot open network namespace: No such file or directory");
                }
                return namespaces.get(p.netns().name) == p.netns() ? p.netns().name + "\n" : "";
            }
            default -> throw unmodelled(a);
        }
    }

    private String tuntap(Args a, Netns ns) {
        a.expect("add");
        a.expect("dev");
        String name = a.next();
        a.expect("mode");
        a.expect("tap");
        if (ns.links.containsKey(name)) {
            throw new Failure(1, "ioctl(TUNSETIFF): Device or resource busy");
        }
        ns.links.put(name, new Link(name, nextIfindex++, "tun", ns));
        return "";
    }

    // ---- bridge fdb -----------------------------------------------------------------------------

    private String bridge(Args a, Netns ns) {
        boolean json = a.peek().equals("-json");
        if (json) {
            a.next();
        }
        a.expect("fdb");
        String verb = a.next();
        if (verb.equals("show")) {
            a.expect("dev");
            Link vx = existing(ns, a.next());
            ArrayNode out = JSON.createArrayNode();
            for (String peer : vx.floodPeers) {
                ObjectNode e = out.addObject();
                e.put("mac", "00:00:00:00:00:00");
                e.put("dst", peer);
                e.putArray("flags").add("self");
                e.put("state", "permanent");
            }
            return out.toString();
        }
        a.expect("00:00:00:00:00:00");
        a.expect("dev");
        Link vx = existing(ns, a.next());
        a.expect("dst");
        String peer = a.next();
        switch (verb) {
            case "append" -> {
                if (!vx.floodPeers.add(peer)) {
                    throw new Failure(2, "RTNETLINK answers: File exists");
                }
            }
            case "del" -> {
                if (!vx.floodPeers.remove(peer)) {
                    throw new Failure(2, "RTNETLINK answers: No such file or directory");
                }
            }
            default -> throw unmodelled(a);
        }
        return "";
    }

    // ---- nft ------------------------------------------------------------------------------------

    private String nft(Args a, Netns ns, Optional<String> stdin) {
        String first = a.next();
        switch (first) {
            case "-j" -> {
                a.expect("list");
                a.expect("tables");
                a.expect("bridge");
                ObjectNode out = JSON.createObjectNode();
                ArrayNode items = out.putArray("nftables");
                items.addObject().putObject("metainfo").put("json_schema_version", 1);
                ns.nftTables.forEach(t -> items.addObject().putObject("table").put("family", "bridge").put("name", t));
                return out.toString();
            }
            case "-f" -> {
                a.expect("-");
                // The isolation script: "table bridge T" / "delete table bridge T" / "table bridge T { ... }".
                for (String line : stdin.orElseThrow().lines().toList()) {
                    String[] words = line.strip().split("\\s+");
                    if (words.length >= 3 && words[0].equals("table") && words[1].equals("bridge")) {
                        ns.nftTables.add(words[2]);
                    } else if (words.length >= 4 && words[0].equals("delete") && words[1].equals("table")) {
                        ns.nftTables.remove(words[3]);
                    }
                }
                return "";
            }
            case "list", "delete" -> {
                a.expect("table");
                a.expect("bridge");
                String table = a.next();
                if (!ns.nftTables.contains(table)) {
                    throw new Failure(1, "Error: No such file or directory; did you mean table '" + table + "'?");
                }
                if (first.equals("delete")) {
                    ns.nftTables.remove(table);
                    return "";
                }
                return "table bridge " + table + " {\n}\n";
            }
            default -> throw unmodelled(a);
        }
    }

    // ---- processes ------------------------------------------------------------------------------

    /** dnsmasq daemonizes: it checks its interface exists, writes its pid file and keeps running. */
    private String dnsmasq(Args a, Netns ns) {
        String option = a.next();
        if (!option.startsWith("--conf-file=") || a.hasNext()) {
            throw unmodelled(a);
        }
        Path config = Path.of(option.substring("--conf-file=".length()));
        Map<String, String> settings = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(config)) {
                int eq = line.indexOf('=');
                if (eq > 0 && !line.startsWith("#")) {
                    settings.putIfAbsent(line.substring(0, eq), line.substring(eq + 1));
                }
            }
        } catch (IOException e) {
            throw new Failure(1, "dnsmasq: cannot read " + config + ": No such file or directory");
        }
        String iface = settings.get("interface");
        if (iface != null && !ns.links.containsKey(iface)) {
            throw new Failure(2, "dnsmasq: unknown interface " + iface);
        }
        int pid = nextPid++;
        processes.put(pid, new Process(pid, "dnsmasq", ns, config));
        if (settings.containsKey("pid-file")) {
            try {
                Files.writeString(Path.of(settings.get("pid-file")), pid + "\n");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return "";
    }

    private String kill(Args a) {
        String target = a.next();
        if (target.startsWith("-")) {
            target = a.next();
        }
        if (processes.remove(Integer.parseInt(target)) == null) {
            throw new Failure(1, "kill: (" + target + ") - No such process");
        }
        return "";
    }

    private String ps(Args a) {
        a.expect("-o");
        a.expect("comm=");
        a.expect("-p");
        Process p = processes.get(Integer.parseInt(a.next()));
        if (p == null) {
            throw new Failure(1, "");
        }
        return p.comm() + "\n";
    }

    // ---- plumbing -------------------------------------------------------------------------------

    private static Link existing(Netns ns, String name) {
        Link link = ns.links.get(name);
        if (link == null) {
            throw new Failure(1, "Device \"" + name + "\" does not exist.");
        }
        return link;
    }

    private static AssertionError unmodelled(Args a) {
        return new AssertionError("the fake host does not model: " + String.join(" ", a.argv));
    }

    private static CommandResult result(Command command, int exit, String stdout, String stderr) {
        return new CommandResult(command.effectiveArgv(), exit, stdout, stderr, Duration.ZERO);
    }

    /** A command the real tool would refuse: exit code and stderr. */
    private static final class Failure extends RuntimeException {
        final int exit;

        Failure(int exit, String stderr) {
            super(stderr);
            this.exit = exit;
        }
    }

    private static final class Args {
        final List<String> argv;
        int i;

        Args(List<String> argv) {
            this.argv = argv;
        }

        boolean hasNext() {
            return i < argv.size();
        }

        String peek() {
            return hasNext() ? argv.get(i) : "";
        }

        String next() {
            if (!hasNext()) {
                throw unmodelled(this);
            }
            return argv.get(i++);
        }

        void expect(String word) {
            if (!next().equals(word)) {
                throw unmodelled(this);
            }
        }

        void skip(String word) {
            if (peek().equals(word)) {
                i++;
            }
        }
    }
}
