package dev.cirrus.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.cirrus.testsupport.RealApiServer;
import dev.cirrus.testsupport.TestEnvironment;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * Two operator replicas, each the packaged jar in its own JVM as the chart runs them, on a real
 * kube-apiserver: only the Lease holder reconciles; when it is killed, the other takes the Lease
 * over and goes on, and its allocations do not collide with the dead leader's.
 */
class OperatorReplicasE2E {
    private static final String LEASE_NAMESPACE = "cirrus-system";
    private static final String TENANT = "replicas";
    private static final Duration START = Duration.ofSeconds(120);

    private final Map<String, Replica> replicas = new LinkedHashMap<>();
    private final HttpClient http = HttpClient.newHttpClient();

    private record Replica(Process process, int port, Path log) {
    }

    @AfterEach
    void stopReplicas() {
        replicas.values().forEach(r -> r.process().destroyForcibly());
    }

    @Test
    void onlyTheLeaseHolderReconcilesAndTheOtherTakesOverWhenItDies() throws Exception {
        RealApiServer api = RealApiServer.shared();
        Path dir = Files.createTempDirectory("cirrus-replicas");
        Path kubeconfig = api.writeKubeConfig(dir.resolve("kubeconfig"));
        try (KubernetesClient client = api.newClient()) {
            namespace(client, LEASE_NAMESPACE);
            namespace(client, TENANT);
            for (String identity : List.of("replica-a", "replica-b")) {
                replicas.put(identity, start(identity, kubeconfig, dir));
            }

            String leader = await("a Lease holder", () -> holder(client), START);
            String follower = replicas.keySet().stream().filter(r -> !r.equals(leader)).findFirst().orElseThrow();
            network(client, "first", "10.60.0.0/24");
            long firstVni = await("a VNI for network first", () -> vni(client, "first"), Duration.ofSeconds(60));
            assertThat(networkReconciles(leader)).as("reconciles by the leader %s", leader).isPositive();
            assertThat(networkReconciles(follower)).as("reconciles by the follower %s\n%s", follower, logOf(follower)).isZero();

            // Killed, not stopped: the Lease is not handed back and must expire.
            replicas.get(leader).process().destroyForcibly().waitFor();
            await("the Lease taken over by " + follower, () -> holder(client).filter(follower::equals), Duration.ofSeconds(60));
            network(client, "second", "10.61.0.0/24");
            long secondVni = await("a VNI for network second", () -> vni(client, "second"), Duration.ofSeconds(60));
            assertThat(secondVni).isNotEqualTo(firstVni);
            assertThat(networkReconciles(follower)).isPositive();
        }
    }

    private Replica start(String identity, Path kubeconfig, Path dir) throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Path log = dir.resolve(identity + ".log");
        Path jar = TestEnvironment.repoRoot().resolve("operator/target/quarkus-app/quarkus-run.jar");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-Dkubeconfig=" + kubeconfig, "-Dquarkus.http.port=" + port,
                "-Dcirrus.operator.leader-election.identity=" + identity,
                "-Dcirrus.operator.leader-election.lease-duration=5s", "-jar", jar.toString()));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new Replica(process, port, log);
    }

    private static void namespace(KubernetesClient client, String name) {
        client.resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build()).serverSideApply();
    }

    private static void network(KubernetesClient client, String name, String cidr) {
        client.resource("""
                apiVersion: cirrus.dev/v1alpha1
                kind: OverlayNetwork
                metadata: {name: %s, namespace: %s}
                spec: {cidr: %s}
                """.formatted(name, TENANT, cidr)).serverSideApply();
    }

    private static Optional<String> holder(KubernetesClient client) {
        Lease lease = client.leases().inNamespace(LEASE_NAMESPACE).withName("cirrus-operator").get();
        return Optional.ofNullable(lease).map(Lease::getSpec).map(s -> s.getHolderIdentity()).filter(h -> !h.isEmpty());
    }

    @SuppressWarnings("unchecked")
    private static Optional<Long> vni(KubernetesClient client, String network) {
        GenericKubernetesResource resource = client.genericKubernetesResources("cirrus.dev/v1alpha1", "OverlayNetwork")
                .inNamespace(TENANT).withName(network).get();
        Object status = resource == null ? null : resource.getAdditionalProperties().get("status");
        Object vni = status instanceof Map<?, ?> map ? ((Map<String, Object>) map).get("vni") : null;
        return vni instanceof Number n ? Optional.of(n.longValue()) : Optional.empty();
    }

    /** OverlayNetwork reconciles the replica has timed (its /q/metrics); 0 when it never reconciled one. */
    private double networkReconciles(String identity) throws IOException, InterruptedException {
        String body = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + replicas.get(identity).port() + "/q/metrics"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
        return body.lines().filter(l -> l.startsWith("cirrus_reconcile_seconds_count{kind=\"OverlayNetwork\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    private String logOf(String identity) {
        try {
            List<String> lines = Files.readAllLines(replicas.get(identity).log());
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private <T> T await(String what, Supplier<Optional<T>> probe, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<T> value = probe.get();
            if (value.isPresent()) {
                return value.get();
            }
            Thread.sleep(200);
        }
        StringBuilder logs = new StringBuilder();
        replicas.keySet().forEach(r -> logs.append("\n--- ").append(r).append(" ---\n").append(logOf(r)));
        throw new AssertionError("no " + what + " within " + timeout + logs);
    }
}
