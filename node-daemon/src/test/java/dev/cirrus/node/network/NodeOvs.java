package dev.cirrus.node.network;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.cirrus.node.host.Command;
import dev.cirrus.node.host.CommandResult;
import dev.cirrus.node.host.HostCommands;

/**
 * A simulated node's own Open vSwitch instance for tests, through {@code hack/node-ovs.sh} (the
 * launcher the local cloud uses too): start, stop, underlay bridge, and the clients pointed at it.
 */
public final class NodeOvs {
    private final HostCommands host;
    private final String netns;
    private final Path dir;

    public NodeOvs(HostCommands host, String netns, Path dir) {
        this.host = host;
        this.netns = netns;
        this.dir = dir;
    }

    public OvsSettings settings() {
        return OvsSettings.of(dir, "netdev");
    }

    public void start() {
        host.run(script("start", netns, dir.toString()));
    }

    public void stop() {
        host.attempt(script("stop", netns, dir.toString()));
    }

    /** The node's underlay device into a netdev bridge holding the underlay address (userspace tunnels need it). */
    public void underlay(String device, String cidr) {
        host.run(script("underlay", netns, dir.toString(), device, cidr));
    }

    CommandResult vsctl(String... args) {
        List<String> argv = new ArrayList<>(List.of("ovs-vsctl", "--db=" + settings().db(), "--timeout=20"));
        argv.addAll(List.of(args));
        return host.run(Command.of(argv).inNetns(netns));
    }

    CommandResult ofctl(String subcommand, String... args) {
        List<String> argv = new ArrayList<>(List.of("ovs-ofctl", subcommand, settings().bridgeControl()));
        argv.addAll(List.of(args));
        return host.run(Command.of(argv).inNetns(netns));
    }

    CommandResult appctl(String... args) {
        List<String> argv = new ArrayList<>(List.of("ovs-appctl", "-t", dir.resolve("ovs-vswitchd.ctl").toString()));
        argv.addAll(List.of(args));
        return host.run(Command.of(argv).inNetns(netns));
    }

    private static Command script(String... args) {
        List<String> argv = new ArrayList<>(List.of("bash", launcher().toString()));
        argv.addAll(List.of(args));
        return Command.of(argv).withTimeout(Duration.ofSeconds(60));
    }

    /** hack/node-ovs.sh, found from the module or the repository root. */
    static Path launcher() {
        Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        for (Path d = dir; d != null; d = d.getParent()) {
            Path candidate = d.resolve("hack/node-ovs.sh");
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("hack/node-ovs.sh not found above " + dir);
    }
}
