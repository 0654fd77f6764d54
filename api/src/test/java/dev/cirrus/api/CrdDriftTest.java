package dev.cirrus.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import dev.cirrus.testsupport.TestEnvironment;
import org.junit.jupiter.api.Test;

/** crds/ is committed for users and the Helm chart: it must equal what the API classes generate. */
class CrdDriftTest {
    private static final Path GENERATED = Path.of("target/classes/META-INF/fabric8");

    @Test
    void committedCrdsMatchTheGeneratedOnes() throws IOException {
        List<Path> generated;
        try (Stream<Path> files = Files.list(GENERATED)) {
            generated = files.filter(p -> p.getFileName().toString().endsWith(".cirrus.dev-v1.yml")).sorted().toList();
        }
        assertThat(generated).hasSize(4);
        Path crds = TestEnvironment.repoRoot().resolve("crds");
        for (Path file : generated) {
            String plural = file.getFileName().toString().replace(".cirrus.dev-v1.yml", "");
            Path committed = crds.resolve("cirrus.dev_" + plural + ".yaml");
            assertThat(committed).as("crds/ lacks %s: run hack/update-crds.sh", committed.getFileName()).exists();
            assertThat(Files.readString(committed))
                    .as("crds/%s is stale: run hack/update-crds.sh and commit it", committed.getFileName())
                    .isEqualTo(Files.readString(file));
        }
        try (Stream<Path> files = Files.list(crds)) {
            assertThat(files.count()).as("crds/ holds a CRD the API no longer generates").isEqualTo(generated.size());
        }
    }
}
