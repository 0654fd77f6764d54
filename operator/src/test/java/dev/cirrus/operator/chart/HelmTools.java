package dev.cirrus.operator.chart;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.cirrus.testsupport.TestEnvironment;

/**
 * The helm (built by hack/build-helm.sh) and kubectl (built by hack/build-kube.sh) binaries, run
 * against one kubeconfig. A missing binary fails the test with the command that builds it.
 */
final class HelmTools {
    private static final Duration TIMEOUT = Duration.ofMinutes(3);
    private static final Pattern HELM_REQUIRE = Pattern.compile("(?m)^\\s*(?:require\\s+)?helm\\.sh/helm/v3\\s+(v[0-9.]+)");

    private final Path helm;
    private final Path kubectl;
    private final Path kubeconfig;

    private HelmTools(Path helm, Path kubectl, Path kubeconfig) {
        this.helm = helm;
        this.kubectl = kubectl;
        this.kubeconfig = kubeconfig;
    }

    static HelmTools locate(Path kubeconfig) {
        Path helm = TestEnvironment.cacheDir().resolve("helm").resolve(helmVersion()).resolve("helm");
        if (!Files.isExecutable(helm)) {
            throw new IllegalStateException("helm not found at " + helm + ": run hack/build-helm.sh (the README test command does)");
        }
        Path kubectl = TestEnvironment.kubeApiTestDir().resolve("k8s")
                .resolve(TestEnvironment.kubeVersion() + "-linux-amd64").resolve("kubectl");
        if (!Files.isExecutable(kubectl)) {
            throw new IllegalStateException("kubectl not found at " + kubectl + ": run hack/build-kube.sh");
        }
        return new HelmTools(helm, kubectl, kubeconfig);
    }

    /** The version the wrapper module hack/helm pins (the one hack/build-helm.sh builds). */
    static String helmVersion() {
        Path goMod = TestEnvironment.repoRoot().resolve("hack/helm/go.mod");
        try {
            Matcher m = HELM_REQUIRE.matcher(Files.readString(goMod));
            if (!m.find()) {
                throw new IllegalStateException(goMod + " does not require helm.sh/helm/v3");
            }
            return m.group(1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path chart() {
        return TestEnvironment.repoRoot().resolve("helm/cirrus");
    }

    ToolRun helm(String... args) {
        List<String> argv = new ArrayList<>(List.of(helm.toString(), "--kubeconfig", kubeconfig.toString()));
        argv.addAll(List.of(args));
        return ToolRun.of(TIMEOUT, null, argv);
    }

    ToolRun kubectl(String stdin, String... args) {
        List<String> argv = new ArrayList<>(List.of(kubectl.toString(), "--kubeconfig", kubeconfig.toString()));
        argv.addAll(List.of(args));
        return ToolRun.of(TIMEOUT, stdin, argv);
    }
}
