package dev.cirrus.node.host;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One host command: an argv array (never a shell string), optionally run inside a network
 * namespace, with a timeout and optional standard input.
 */
public record Command(List<String> argv, Optional<String> netns, Duration timeout, Optional<String> stdin) {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    public Command {
        argv = List.copyOf(argv);
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("empty argv");
        }
    }

    public static Command of(String... argv) {
        return new Command(List.of(argv), Optional.empty(), DEFAULT_TIMEOUT, Optional.empty());
    }

    public static Command of(List<String> argv) {
        return new Command(argv, Optional.empty(), DEFAULT_TIMEOUT, Optional.empty());
    }

    public Command inNetns(String namespace) {
        return new Command(argv, Optional.ofNullable(namespace), timeout, stdin);
    }

    public Command withTimeout(Duration limit) {
        return new Command(argv, netns, limit, stdin);
    }

    public Command withStdin(String input) {
        return new Command(argv, netns, timeout, Optional.of(input));
    }

    /** The argv actually executed: wrapped in {@code ip netns exec} when a namespace is set. */
    public List<String> effectiveArgv() {
        if (netns.isEmpty()) {
            return argv;
        }
        List<String> wrapped = new ArrayList<>(List.of("ip", "netns", "exec", netns.get()));
        wrapped.addAll(argv);
        return wrapped;
    }

    /** The program's name, for metrics (e.g. "ovs-vsctl", "ip"). */
    public String program() {
        String first = argv.get(0);
        return first.substring(first.lastIndexOf('/') + 1);
    }
}
