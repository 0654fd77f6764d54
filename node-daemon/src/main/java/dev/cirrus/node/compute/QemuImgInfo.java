package dev.cirrus.node.compute;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.cirrus.node.host.Command;
import dev.cirrus.node.host.HostCommands;

/**
 * What {@code qemu-img info --output=json} says about one image file.
 *
 * @param format      the probed format (qcow2, raw, vmdk, ...)
 * @param virtualSize the guest-visible size in bytes
 * @param backingFile the backing file the header names, if any
 */
public record QemuImgInfo(String format, long virtualSize, Optional<String> backingFile) {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final Duration TIMEOUT = Duration.ofSeconds(60);

    /**
     * Probes {@code file}. {@code --force-share} because the image may be open by a running QEMU, whose
     * write lock would otherwise make a read-only look fail. No {@code -f}: the point is to probe.
     */
    static QemuImgInfo of(HostCommands host, Path file) {
        String out = host.run(Command.of("qemu-img", "info", "--force-share", "--output=json", file.toString())
                .withTimeout(TIMEOUT)).stdout();
        return parse(out);
    }

    static QemuImgInfo parse(String json) {
        try {
            JsonNode node = JSON.readTree(json);
            if (node == null || !node.hasNonNull("format") || !node.hasNonNull("virtual-size")) {
                throw new IllegalArgumentException("qemu-img info gave no format or virtual-size: " + json);
            }
            JsonNode backing = node.hasNonNull("full-backing-filename") ? node.get("full-backing-filename")
                    : node.get("backing-filename");
            return new QemuImgInfo(node.get("format").asText(), node.get("virtual-size").asLong(),
                    backing == null || backing.isNull() ? Optional.empty() : Optional.of(backing.asText()));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("qemu-img info output is not JSON: " + e.getOriginalMessage(), e);
        }
    }
}
