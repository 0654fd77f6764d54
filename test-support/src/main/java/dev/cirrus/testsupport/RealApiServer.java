package dev.cirrus.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.fabric8.kubeapitest.KubeAPIServer;
import io.fabric8.kubeapitest.KubeAPIServerConfigBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

/**
 * One real kube-apiserver + etcd per test JVM (no kubelet, no controllers), started on first use
 * from the binaries that {@code hack/build-kube.sh} builds, with Cirrus' CRDs from {@code crds/}
 * installed. Tests share it and isolate themselves by namespace.
 */
public final class RealApiServer {
    private static RealApiServer shared;

    private final KubeAPIServer server;
    private final String kubeConfigYaml;
    private final String version;

    private RealApiServer(KubeAPIServer server, String kubeConfigYaml, String version) {
        this.server = server;
        this.kubeConfigYaml = kubeConfigYaml;
        this.version = version;
    }

    /** The JVM-wide server, started (and CRDs installed) on first call. */
    public static synchronized RealApiServer shared() {
        if (shared == null) {
            shared = start();
            Runtime.getRuntime().addShutdownHook(new Thread(shared.server::stop, "kube-apiserver-stop"));
        }
        return shared;
    }

    private static RealApiServer start() {
        String version = TestEnvironment.kubeVersion();
        Path binaries = TestEnvironment.kubeApiTestDir();
        Path expected = binaries.resolve("k8s").resolve(version + "-linux-amd64").resolve("kube-apiserver");
        if (!Files.isExecutable(expected)) {
            throw new IllegalStateException("kube-apiserver " + version + " not found at " + expected
                    + ": run hack/build-kube.sh (the README test command does)");
        }
        long t0 = System.nanoTime();
        KubeAPIServer server = new KubeAPIServer(KubeAPIServerConfigBuilder.anAPIServerConfig()
                .withTestDir(binaries.toString())
                .withApiServerVersion(version)
                .withOfflineMode(true)
                .withUpdateKubeConfig(false)
                .withStartupTimeout(120_000)
                .build());
        server.start();
        RealApiServer api = new RealApiServer(server, server.getKubeConfigYaml(), version);
        try (KubernetesClient client = api.newClient()) {
            String gitVersion = client.getKubernetesVersion().getGitVersion();
            installCrds(client);
            System.out.printf("[cirrus-test] real kube-apiserver %s (binaries %s) up with Cirrus CRDs in %d ms%n",
                    gitVersion, expected.getParent(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
        }
        return api;
    }

    /** Installs every CRD in {@code crds/} and waits until each is Established. */
    private static void installCrds(KubernetesClient client) {
        for (Path file : crdFiles()) {
            try (InputStream in = Files.newInputStream(file)) {
                CustomResourceDefinition crd = client.apiextensions().v1().customResourceDefinitions().load(in).item();
                client.resource(crd).forceConflicts().serverSideApply();
                client.apiextensions().v1().customResourceDefinitions().withName(crd.getMetadata().getName())
                        .waitUntilCondition(RealApiServer::established, 60, TimeUnit.SECONDS);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static boolean established(CustomResourceDefinition crd) {
        return crd != null && crd.getStatus() != null && crd.getStatus().getConditions() != null
                && crd.getStatus().getConditions().stream()
                .anyMatch(c -> "Established".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    public static List<Path> crdFiles() {
        try (Stream<Path> files = Files.list(TestEnvironment.repoRoot().resolve("crds"))) {
            return files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A new client of the server; the caller closes it. */
    public KubernetesClient newClient() {
        Config config = Config.fromKubeconfig(kubeConfigYaml);
        config.setRequestTimeout((int) Duration.ofSeconds(30).toMillis());
        return new KubernetesClientBuilder().withConfig(config).build();
    }

    public String kubeConfigYaml() {
        return kubeConfigYaml;
    }

    /** Writes the kubeconfig to a file, for tools (kubectl, a Quarkus app) that read one. */
    public Path writeKubeConfig(Path file) {
        try {
            Files.createDirectories(file.getParent());
            return Files.writeString(file, kubeConfigYaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String version() {
        return version;
    }
}
