package dev.cirrus.node.network;

import dev.cirrus.node.host.Command;
import dev.cirrus.node.host.CommandResult;
import dev.cirrus.node.host.HostCommands;

/**
 * Whether the pid in a dnsmasq pid file is still a dnsmasq, and in which namespace. Asked through
 * {@link HostCommands} ({@code ps}, {@code ip netns identify}) rather than by reading /proc, so the
 * in-memory fake host answers it like every other question about the host. Both run in the host
 * namespace: pids and /run/netns are shared by every network namespace.
 */
final class DnsmasqProcesses {
    private final HostCommands host;

    DnsmasqProcesses(HostCommands host) {
        this.host = host;
    }

    boolean isDnsmasq(int pid) {
        CommandResult result = host.attempt(Command.of("ps", "-o", "comm=", "-p", Integer.toString(pid)));
        return result.ok() && "dnsmasq".equals(result.stdout().strip());
    }

    /** A dnsmasq living in the named namespace (not one pinning a deleted namespace of the same name). */
    boolean isDnsmasqIn(int pid, String netns) {
        if (!isDnsmasq(pid)) {
            return false;
        }
        CommandResult result = host.attempt(Command.of("ip", "netns", "identify", Integer.toString(pid)));
        return result.ok() && result.stdout().lines().map(String::strip).anyMatch(netns::equals);
    }
}
