package dev.cirrus.node.network;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

import dev.cirrus.node.host.Command;
import dev.cirrus.node.host.HostCommands;

/**
 * One dnsmasq per network per node, daemonized inside the router namespace with its own config,
 * pid, lease and log files. A config change means a restart (dnsmasq cannot re-read a range on
 * SIGHUP); leases survive in the lease file.
 */
public final class DnsmasqDriver {
    private static final long STOP_WAIT_MILLIS = 3000;
    private final NodeHost node;
    private final DnsmasqProcesses processes;

    public DnsmasqDriver(NodeHost node) {
        this.node = node;
        this.processes = new DnsmasqProcesses(node.host());
    }

    public void write(Action.WriteDnsmasqConfig action) {
        try {
            Files.createDirectories(action.path().getParent());
            Path temp = action.path().resolveSibling(action.path().getFileName() + ".tmp");
            Files.writeString(temp, action.content(), StandardCharsets.UTF_8);
            Files.move(temp, action.path(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + action.path(), e);
        }
    }

    public void restart(Action.RestartDnsmasq action) {
        stop(action.pidFile());
        node.runIn(action.netns(), "dnsmasq", "--conf-file=" + action.config());
    }

    public void stop(Action.StopDnsmasq action) {
        stop(action.pidFile());
    }

    private void stop(Path pidFile) {
        Optional<Integer> pid = pid(pidFile);
        if (pid.isPresent() && processes.isDnsmasq(pid.get())) {
            HostCommands host = node.host();
            host.attempt(Command.of("kill", "-TERM", pid.get().toString()));
            long deadline = System.currentTimeMillis() + STOP_WAIT_MILLIS;
            while (processes.isDnsmasq(pid.get()) && System.currentTimeMillis() < deadline) {
                sleep();
            }
            if (processes.isDnsmasq(pid.get())) {
                host.attempt(Command.of("kill", "-KILL", pid.get().toString()));
            }
        }
        try {
            Files.deleteIfExists(pidFile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Optional<Integer> pid(Path pidFile) {
        try {
            String text = Files.readString(pidFile).strip();
            return text.matches("\\d+") ? Optional.of(Integer.parseInt(text)) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while stopping dnsmasq", e);
        }
    }
}
