package dev.cirrus.operator.chart;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** One run of a command-line tool (helm, kubectl) with a timeout: exit code and both outputs. */
record ToolRun(List<String> argv, int exitCode, String stdout, String stderr) {

    static ToolRun of(Duration timeout, String stdin, List<String> argv) {
        try {
            Process process = new ProcessBuilder(argv).start();
            CompletableFuture<String> out = drain(process.getInputStream());
            CompletableFuture<String> err = drain(process.getErrorStream());
            try (OutputStream in = process.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("timed out after " + timeout + ": " + String.join(" ", argv));
            }
            return new ToolRun(argv, process.exitValue(), out.join(), err.join());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static CompletableFuture<String> drain(InputStream stream) {
        return CompletableFuture.supplyAsync(() -> {
            try (stream) {
                return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    boolean succeeded() {
        return exitCode == 0;
    }

    /** For assertion messages: what ran and what it said. */
    String describe() {
        return String.join(" ", argv) + " → exit " + exitCode + "\nstdout:\n" + stdout + "\nstderr:\n" + stderr;
    }
}
