package dev.cirrus.node.compute;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SeedIsoBuilderTest {
    private static final SeedFiles FILES = new SeedFiles("instance-id: \"i\"\n", "#cloud-config\n", "version: 2\n");

    @TempDir
    Path dir;

    /** Records what it was asked to pack and writes a stand-in image. */
    static final class RecordingIsoTool implements IsoTool {
        final Map<String, String> packed = new HashMap<>();
        String volumeId;
        Path output;

        @Override
        public void createIso(Path sourceDir, String volumeId, Path iso) throws IOException {
            this.volumeId = volumeId;
            this.output = iso;
            try (Stream<Path> files = Files.list(sourceDir)) {
                for (Path file : files.toList()) {
                    packed.put(file.getFileName().toString(), Files.readString(file));
                }
            }
            Files.writeString(iso, "ISO");
        }
    }

    @Test
    void theThreeFilesArePackedAsCidataAndTheIsoAppearsAtItsPath() throws IOException {
        RecordingIsoTool tool = new RecordingIsoTool();
        Path iso = dir.resolve("seed.iso");

        new SeedIsoBuilder(tool).build(FILES, iso);

        assertThat(tool.volumeId).isEqualTo("cidata");
        assertThat(tool.packed).containsOnly(Map.entry("meta-data", FILES.metaData()),
                Map.entry("user-data", FILES.userData()), Map.entry("network-config", FILES.networkConfig()));
        assertThat(tool.output).isNotEqualTo(iso);
        assertThat(tool.output.getParent()).isEqualTo(dir);
        assertThat(iso).hasContent("ISO");
        assertThat(dir).isDirectoryNotContaining(p -> !p.equals(iso));
    }

    @Test
    void anExistingSeedIsReplaced() throws IOException {
        Path iso = dir.resolve("seed.iso");
        Files.writeString(iso, "old");

        new SeedIsoBuilder(new RecordingIsoTool()).build(FILES, iso);

        assertThat(iso).hasContent("ISO");
    }

    @Test
    void aFailingToolLeavesNeitherTheIsoNorItsWorkFilesBehind() throws IOException {
        Path iso = dir.resolve("seed.iso");
        IsoTool failing = (source, volumeId, out) -> {
            Files.writeString(out, "half");
            throw new IOException("xorriso exited with 5");
        };

        assertThatThrownBy(() -> new SeedIsoBuilder(failing).build(FILES, iso)).hasMessage("xorriso exited with 5");
        assertThat(dir).isEmptyDirectory();
    }

    @Test
    void aFailedRebuildKeepsThePreviousSeed() throws IOException {
        Path iso = dir.resolve("seed.iso");
        Files.writeString(iso, "previous");

        assertThatThrownBy(() -> new SeedIsoBuilder((s, v, o) -> {
            throw new IOException("boom");
        }).build(FILES, iso)).isInstanceOf(IOException.class);
        assertThat(iso).hasContent("previous");
    }

    @Test
    void xorrisoGetsAnArgumentListNotAShellLine() {
        assertThat(XorrisoIsoTool.argv(Path.of("/var/lib/x/my dir"), "cidata", Path.of("/var/lib/x/seed; rm -rf.iso")))
                .containsExactly("xorriso", "-as", "mkisofs", "-V", "cidata", "-J", "-R",
                        "-o", "/var/lib/x/seed; rm -rf.iso", "/var/lib/x/my dir");
    }
}
