package dev.cirrus.node.host;

import java.time.Duration;
import java.util.List;

/** What a host command did. */
public record CommandResult(List<String> argv, int exitCode, String stdout, String stderr, Duration took) {
    public boolean ok() {
        return exitCode == 0;
    }
}
