package dev.cirrus.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import dev.cirrus.api.v1alpha1.ExternalNetwork;
import dev.cirrus.api.v1alpha1.Hypervisor;
import dev.cirrus.api.v1alpha1.Image;
import dev.cirrus.api.v1alpha1.OverlayNetwork;
import dev.cirrus.api.v1alpha1.VirtualMachine;
import dev.cirrus.testsupport.TestEnvironment;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.Test;

/**
 * crds/ is committed for users and the Helm chart: it must equal what the API classes generate.
 * Run with {@code -Dcirrus.update-crds=true} (hack/update-crds.sh) to rewrite crds/ (and the Helm chart's copy) instead.
 */
class CrdDriftTest {
    private static final Path GENERATED = Path.of("target/classes/META-INF/fabric8");
    private static final Map<String, Class<?>> KINDS = Map.of(
            "images", Image.class, "overlaynetworks", OverlayNetwork.class,
            "virtualmachines", VirtualMachine.class, "hypervisors", Hypervisor.class,
            "externalnetworks", ExternalNetwork.class);

    @Test
    void committedCrdsMatchTheGeneratedOnes() throws IOException {
        Path crds = TestEnvironment.repoRoot().resolve("crds");
        boolean update = Boolean.getBoolean("cirrus.update-crds");
        for (Map.Entry<String, Class<?>> kind : KINDS.entrySet()) {
            String expected = render(GENERATED.resolve(kind.getKey() + ".cirrus.dev-v1.yml"), kind.getValue());
            Path committed = crds.resolve("cirrus.dev_" + kind.getKey() + ".yaml");
            if (update) {
                Files.writeString(committed, expected);
                Files.writeString(chartCrds().resolve(committed.getFileName()), expected);
            }
            assertThat(committed).as("crds/ lacks %s: run hack/update-crds.sh", committed.getFileName()).exists();
            assertThat(Files.readString(committed))
                    .as("crds/%s is stale: run hack/update-crds.sh and commit it", committed.getFileName())
                    .isEqualTo(expected);
        }
        try (Stream<Path> files = Files.list(crds)) {
            assertThat(files.count()).as("crds/ holds a CRD the API no longer generates").isEqualTo(KINDS.size());
        }
    }

    /** The Helm chart installs the same CRDs: helm/cirrus/crds/ is a copy of crds/ (hack/update-crds.sh copies it). */
    @Test
    void helmChartCarriesTheSameCrds() throws IOException {
        Path crds = TestEnvironment.repoRoot().resolve("crds");
        Path chart = chartCrds();
        assertThat(names(chart)).as("helm/cirrus/crds/ must hold exactly the files of crds/: run hack/update-crds.sh")
                .isEqualTo(names(crds));
        for (String name : names(crds)) {
            assertThat(Files.readString(chart.resolve(name)))
                    .as("helm/cirrus/crds/%s differs from crds/%s: run hack/update-crds.sh and commit it", name, name)
                    .isEqualTo(Files.readString(crds.resolve(name)));
        }
    }

    private static Path chartCrds() {
        return TestEnvironment.repoRoot().resolve("helm/cirrus/crds");
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /**
     * The generator sorts printer columns by JSON path; kubectl shows them in CRD order, so they
     * are put back in the order the class declares them (the order a user reads).
     */
    static String render(Path generated, Class<?> kind) throws IOException {
        CustomResourceDefinition crd = Serialization.unmarshal(Files.readString(generated), CustomResourceDefinition.class);
        List<String> declared = Arrays.stream(kind.getAnnotationsByType(AdditionalPrinterColumn.class))
                .map(AdditionalPrinterColumn::name).toList();
        crd.getSpec().getVersions().forEach(v -> v.getAdditionalPrinterColumns()
                .sort(Comparator.comparingInt((CustomResourceColumnDefinition c) -> declared.indexOf(c.getName()))));
        return "# Generated from api/ (" + kind.getName() + ") by hack/update-crds.sh: do not edit by hand.\n"
                + Serialization.asYaml(crd);
    }
}
