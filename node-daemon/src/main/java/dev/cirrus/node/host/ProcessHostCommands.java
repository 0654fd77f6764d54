package dev.cirrus.node.host;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** Runs host commands as processes (argv, no shell), with a timeout and a duration metric per program. */
public class ProcessHostCommands implements HostCommands {
    private final MeterRegistry registry;

    public ProcessHostCommands(MeterRegistry registry) {
        this.registry = registry;
    }

    public ProcessHostCommands() {
        this(new SimpleMeterRegistry());
    }

    @Override
    public CommandResult attempt(Command command) {
        long start = System.nanoTime();
        Process process;
        try {
            process = new ProcessBuilder(command.effectiveArgv()).start();
        } catch (IOException e) {
            throw new HostCommandException(command.effectiveArgv(), -1, e.getMessage(), "cannot start");
        }
        CompletableFuture<String> out = drain(process.getInputStream());
        CompletableFuture<String> err = drain(process.getErrorStream());
        try (OutputStream in = process.getOutputStream()) {
            if (command.stdin().isPresent()) {
                in.write(command.stdin().get().getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            // The command closed its input early; its exit code tells the rest.
        }
        try {
            if (!process.waitFor(command.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new HostCommandException(command.effectiveArgv(), -1, err.getNow(""),
                        "timed out after " + command.timeout().toMillis() + " ms");
            }
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            Timer.builder("cirrus_host_command_seconds").tag("program", command.program())
                    .tag("ok", Boolean.toString(process.exitValue() == 0)).register(registry).record(took);
            return new CommandResult(command.effectiveArgv(), process.exitValue(), out.join(), err.join(), took);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new HostCommandException(command.effectiveArgv(), -1, "", "interrupted");
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
}
