package dev.cirrus.node.network;

import java.util.Optional;

import dev.cirrus.node.host.Command;
import dev.cirrus.node.host.CommandResult;
import dev.cirrus.node.host.HostCommands;

/** Host commands at node level: in the node's namespace when it has one (tests), else on the host. */
public record NodeHost(HostCommands host, Optional<String> netns) {
    public CommandResult run(String... argv) {
        return host.run(command(argv));
    }

    public CommandResult attempt(String... argv) {
        return host.attempt(command(argv));
    }

    public CommandResult runWithStdin(String stdin, String... argv) {
        return host.run(command(argv).withStdin(stdin));
    }

    /** A command inside another namespace (a router namespace); namespaces are flat, so no nesting. */
    public CommandResult runIn(String namespace, String... argv) {
        return host.run(Command.of(argv).inNetns(namespace));
    }

    public CommandResult attemptIn(String namespace, String... argv) {
        return host.attempt(Command.of(argv).inNetns(namespace));
    }

    private Command command(String... argv) {
        Command command = Command.of(argv);
        return netns.map(command::inNetns).orElse(command);
    }
}
