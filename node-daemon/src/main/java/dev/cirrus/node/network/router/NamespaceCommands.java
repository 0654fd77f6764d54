package dev.cirrus.node.network.router;

import java.util.Optional;

import dev.cirrus.node.host.Command;
import dev.cirrus.node.host.CommandResult;
import dev.cirrus.node.network.NodeHost;

/**
 * Host commands in the node namespace (empty) or in a namespace Cirrus made on the node. Namespaces
 * are flat, so a router or external namespace is entered directly, never from inside the node's.
 */
record NamespaceCommands(NodeHost node) {
    CommandResult run(Optional<String> netns, String... argv) {
        return netns.map(ns -> node.runIn(ns, argv)).orElseGet(() -> node.run(argv));
    }

    CommandResult attempt(Optional<String> netns, String... argv) {
        return netns.map(ns -> node.attemptIn(ns, argv)).orElseGet(() -> node.attempt(argv));
    }

    CommandResult runWithStdin(Optional<String> netns, String stdin, String... argv) {
        Command command = Command.of(argv).withStdin(stdin);
        return node.host().run(netns.or(node::netns).map(command::inNetns).orElse(command));
    }

    CommandResult runOnHost(String... argv) {
        return node.host().run(Command.of(argv));
    }

    /** A sysctl of a namespace Cirrus created: never of the host (or node) namespace. */
    void sysctl(String netns, String key, String value) {
        node.runIn(netns, "sysctl", "-q", "-w", key + "=" + value);
    }
}
