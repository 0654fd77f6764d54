package dev.cirrus.node.registry;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** The host's CPUs and memory, read from the kernel. */
public record HostCapacity(int cpus, long memoryMib) {

    public static HostCapacity probe() {
        return new HostCapacity(Runtime.getRuntime().availableProcessors(), memTotalMib(Path.of("/proc/meminfo")).orElse(0L));
    }

    static Optional<Long> memTotalMib(Path meminfo) {
        try {
            return Files.readAllLines(meminfo).stream()
                    .filter(l -> l.startsWith("MemTotal:"))
                    .map(l -> l.replaceAll("[^0-9]", ""))
                    .map(kib -> Long.parseLong(kib) / 1024)
                    .findFirst();
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }
}
