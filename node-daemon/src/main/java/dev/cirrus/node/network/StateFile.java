package dev.cirrus.node.network;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/** The per-node JSON record of what Cirrus created ({@link RecordedState}); written atomically. */
public final class StateFile {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);
    private final Path path;

    public StateFile(Path stateDir) {
        this.path = stateDir.resolve("network-state.json");
    }

    public RecordedState read() {
        try {
            return JSON.readValue(path.toFile(), RecordedState.class);
        } catch (IOException e) {
            // Missing or corrupt: it only costs repair messages (ownership comes from names).
            return RecordedState.EMPTY;
        }
    }

    public void write(RecordedState state) {
        try {
            Files.createDirectories(path.getParent());
            Path temp = path.resolveSibling(path.getFileName() + ".tmp");
            JSON.writeValue(temp.toFile(), state);
            Files.move(temp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + path, e);
        }
    }
}
