package dev.cirrus.node.network.router;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import dev.cirrus.node.network.router.RoutingObserved.RecordedTable;

/**
 * Per node, what each applied table looked like right after its apply (JSON, written atomically).
 * Lost or corrupt, it costs one re-apply of every table (atomic, so harmless), never a leak.
 */
public final class RouterStateFile {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);
    private final Path path;

    public RouterStateFile(Path stateDir) {
        this.path = stateDir.resolve("router-state.json");
    }

    public Map<String, RecordedTable> read() {
        try {
            return JSON.readValue(path.toFile(), new TypeReference<TreeMap<String, RecordedTable>>() {
            });
        } catch (IOException e) {
            return Map.of();
        }
    }

    public void write(Map<String, RecordedTable> tables) {
        try {
            Files.createDirectories(path.getParent());
            Path temp = path.resolveSibling(path.getFileName() + ".tmp");
            JSON.writeValue(temp.toFile(), new TreeMap<>(tables));
            Files.move(temp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + path, e);
        }
    }
}
