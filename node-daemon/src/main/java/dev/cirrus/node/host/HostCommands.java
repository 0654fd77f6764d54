package dev.cirrus.node.host;

/**
 * The one door to the host: every command the node daemon runs (ovs-vsctl, ip, bridge, dnsmasq,
 * nft, qemu-img, ...) goes through here. Implementations: {@link ProcessHostCommands} (real) and a
 * stateful in-memory fake in the tests.
 */
public interface HostCommands {
    /** Runs the command; a non-zero exit or a timeout throws {@link HostCommandException}. */
    default CommandResult run(Command command) {
        CommandResult result = attempt(command);
        if (!result.ok()) {
            throw new HostCommandException(command.effectiveArgv(), result.exitCode(), result.stderr(),
                    "exit code " + result.exitCode());
        }
        return result;
    }

    /** Runs the command and returns whatever happened (for probes where failure is an answer). */
    CommandResult attempt(Command command);

    default CommandResult run(String... argv) {
        return run(Command.of(argv));
    }
}
