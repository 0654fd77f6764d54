package dev.cirrus.node.compute;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import dev.cirrus.node.host.ProcessHostCommands;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real xorriso: the seed it writes is labelled cidata and holds the three files unchanged. */
class SeedIsoBuilderIT {
    @TempDir
    Path dir;

    @BeforeAll
    static void xorrisoIsInstalled() {
        assumeTrue(onPath("xorriso"), "xorriso is not installed (hack/install-deps.sh installs it)");
    }

    @Test
    void aRealSeedIsLabelledCidataAndHoldsTheFiles() throws Exception {
        SeedFiles files = new CloudInitSeed().render(new SeedRequest("0b5c1e7e-5c3a-4b8e-9d0f-2a6f1c9e4b11", "web",
                null, List.of("ssh-ed25519 AAAA alice@laptop"), List.of(GuestInterface.dhcp("52:54:00:12:34:56", 1450))));
        Path iso = dir.resolve("seed.iso");

        new SeedIsoBuilder(new XorrisoIsoTool(new ProcessHostCommands(), Duration.ofSeconds(30))).build(files, iso);

        assertThat(volumeId(iso)).isEqualTo("cidata");
        Path extracted = dir.resolve("out");
        Process extract = new ProcessBuilder("xorriso", "-osirrox", "on", "-indev", iso.toString(),
                "-extract", "/", extracted.toString()).redirectErrorStream(true).start();
        extract.getInputStream().transferTo(OutputStream.nullOutputStream());
        assertThat(extract.waitFor()).isZero();
        assertThat(extracted.resolve("meta-data")).hasContent(files.metaData());
        assertThat(extracted.resolve("user-data")).hasContent(files.userData());
        assertThat(extracted.resolve("network-config")).hasContent(files.networkConfig());
        assertThat(dir).isDirectoryNotContaining(p -> p.getFileName().toString().startsWith(".seed-")
                || p.getFileName().toString().endsWith(".tmp"));
    }

    @Test
    void aFailureCarriesTheCommandAndItsOutput() {
        Path missing = dir.resolve("no-such-dir");
        assertThatThrownBy(() -> new XorrisoIsoTool(new ProcessHostCommands(), Duration.ofSeconds(30)).createIso(missing, "cidata", dir.resolve("x.iso")))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith("xorriso -as mkisofs -V cidata -J -R -o ")
                .hasMessageContaining("exit code")
                .hasMessageContaining("No such file or directory");
    }

    /** The ISO 9660 primary volume descriptor sits at sector 16; its volume identifier at byte 40, 32 bytes. */
    private static String volumeId(Path iso) throws IOException {
        byte[] image = Files.readAllBytes(iso);
        return new String(Arrays.copyOfRange(image, 16 * 2048 + 40, 16 * 2048 + 72), StandardCharsets.US_ASCII).strip();
    }

    private static boolean onPath(String program) {
        String path = System.getenv().getOrDefault("PATH", "");
        return Arrays.stream(path.split(":")).anyMatch(d -> Files.isExecutable(Path.of(d, program)));
    }
}
