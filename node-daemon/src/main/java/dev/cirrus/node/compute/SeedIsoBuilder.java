package dev.cirrus.node.compute;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Writes a NoCloud seed ISO (volume id {@code cidata}) from rendered {@link SeedFiles}.
 * The ISO appears at its final path only when complete (built next to it, then renamed
 * atomically), so a domain never boots from half an image and a crash leaves no stale seed.
 */
public final class SeedIsoBuilder {
    public static final String VOLUME_ID = "cidata";
    private final IsoTool isoTool;

    public SeedIsoBuilder(IsoTool isoTool) {
        this.isoTool = isoTool;
    }

    /** Builds or replaces {@code iso}; its directory must exist. */
    public void build(SeedFiles files, Path iso) throws IOException {
        Path directory = iso.toAbsolutePath().getParent();
        Path staging = directory.resolve(iso.getFileName() + ".tmp");
        Path sourceDir = Files.createTempDirectory(directory, ".seed-");
        try {
            Files.writeString(sourceDir.resolve(SeedFiles.META_DATA), files.metaData(), StandardCharsets.UTF_8);
            Files.writeString(sourceDir.resolve(SeedFiles.USER_DATA), files.userData(), StandardCharsets.UTF_8);
            Files.writeString(sourceDir.resolve(SeedFiles.NETWORK_CONFIG), files.networkConfig(), StandardCharsets.UTF_8);
            Files.deleteIfExists(staging);
            isoTool.createIso(sourceDir, VOLUME_ID, staging);
            Files.move(staging, iso, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            try {
                cleanUp(staging, sourceDir);
            } catch (IOException cleanupFailure) {
                e.addSuppressed(cleanupFailure); // the build failure is the news, not the leftover
            }
            throw e;
        }
        cleanUp(staging, sourceDir);
    }

    private static void cleanUp(Path staging, Path sourceDir) throws IOException {
        Files.deleteIfExists(staging);
        deleteTree(sourceDir);
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
