package dev.cirrus.node.network;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import dev.cirrus.node.host.CommandResult;

/**
 * The OVS command-line clients, pointed at this node's instance: {@code ovs-vsctl --db=...} and
 * {@code ovs-ofctl} on the bridge's management socket, run through the node's {@link NodeHost}.
 */
public final class OvsClient {
    private static final String TIMEOUT = "--timeout=20";
    private final NodeHost node;
    private final OvsSettings settings;

    public OvsClient(NodeHost node, OvsSettings settings) {
        this.node = node;
        this.settings = settings;
    }

    public OvsSettings settings() {
        return settings;
    }

    public CommandResult vsctl(List<String> args) {
        List<String> argv = new ArrayList<>(List.of("ovs-vsctl", "--db=" + settings.db(), TIMEOUT));
        argv.addAll(args);
        return node.run(argv.toArray(String[]::new));
    }

    public CommandResult vsctl(String... args) {
        return vsctl(List.of(args));
    }

    /** Bridge, Port and Interface rows in one transaction. */
    public OvsDb readDb() {
        return OvsDbParser.parse(vsctl("--format=json",
                "--", "--columns=" + OvsDbParser.BRIDGE_COLUMNS, "list", "Bridge",
                "--", "--columns=" + OvsDbParser.PORT_COLUMNS, "list", "Port",
                "--", "--columns=" + OvsDbParser.INTERFACE_COLUMNS, "list", "Interface").stdout());
    }

    /** The integration bridge's flows; empty when it cannot be read (no bridge yet). */
    public Set<String> readFlows() {
        CommandResult dump = node.attempt("ovs-ofctl", "dump-flows", "--no-stats", "--no-names", settings.bridgeControl());
        return dump.ok() ? OvsFlows.parseDump(dump.stdout()) : Set.of();
    }

    /** Replaces the whole flow table; ovs-ofctl changes only the flows that differ. */
    public void replaceFlows(Set<String> flows) {
        node.runWithStdin(OvsFlows.file(flows), "ovs-ofctl", "replace-flows", settings.bridgeControl(), "/dev/stdin");
    }
}
