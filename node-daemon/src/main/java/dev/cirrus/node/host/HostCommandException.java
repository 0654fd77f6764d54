package dev.cirrus.node.host;

import java.util.List;

/** A host command that failed or timed out: carries argv, exit code and stderr for the status message. */
public class HostCommandException extends RuntimeException {
    private final List<String> argv;
    private final int exitCode;
    private final String stderr;

    public HostCommandException(List<String> argv, int exitCode, String stderr, String why) {
        super(String.join(" ", argv) + ": " + why + (stderr == null || stderr.isBlank() ? "" : ": " + stderr.strip()));
        this.argv = List.copyOf(argv);
        this.exitCode = exitCode;
        this.stderr = stderr;
    }

    public List<String> argv() {
        return argv;
    }

    /** The exit code, or -1 when the command timed out or could not start. */
    public int exitCode() {
        return exitCode;
    }

    public String stderr() {
        return stderr;
    }
}
