package dev.cirrus.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import dev.cirrus.api.v1alpha1.ExternalNetwork;
import dev.cirrus.api.v1alpha1.OverlayNetwork;
import dev.cirrus.api.v1alpha1.VirtualMachine;
import dev.cirrus.api.v1alpha1.VirtualMachineStatus.InterfaceStatus;
import dev.cirrus.api.v1alpha1.VmPhase;
import dev.cirrus.operator.external.ExternalAddressBook;
import dev.cirrus.operator.external.ExternalNetworkReconciler;
import dev.cirrus.operator.image.ImageReconciler;
import dev.cirrus.operator.metrics.OperatorMetrics;
import dev.cirrus.operator.network.OverlayNetworkReconciler;
import dev.cirrus.operator.node.HypervisorReconciler;
import dev.cirrus.operator.sim.SimulatedNode;
import dev.cirrus.operator.status.TransitionEvents;
import dev.cirrus.operator.vm.VirtualMachineReconciler;
import dev.cirrus.testsupport.RealApiServer;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An operator restart loses every in-memory claim; the allocators must rebuild from the API so no
 * VM's address changes and no new VM gets an address already in use. Runs the reconcilers on a
 * plain Java Operator SDK instance (no Quarkus) so the test can stop and start it.
 */
class OperatorRestartApiServerTest {
    private static final String NS = "restart";
    private static KubernetesClient client;
    private static SimulatedNode node;

    @BeforeAll
    static void setUp() {
        client = RealApiServer.shared().newClient();
        client.resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build()).serverSideApply();
        node = new SimulatedNode(client, "restart-node", 16, "16Gi", Map.of("pool", NS), Duration.ofSeconds(1)).start();
    }

    @AfterAll
    static void tearDown() {
        node.close();
        client.close();
    }

    /**
     * A kube-apiserver that has just installed the CRDs may still close a fresh connection (seen
     * once, on a loaded machine, as an informer's HttpClosedException at start): retry the start.
     */
    private static Operator startOperator() {
        for (int attempt = 1; ; attempt++) {
            Operator operator = newOperator();
            try {
                operator.start();
                return operator;
            } catch (RuntimeException e) {
                try {
                    operator.stop();
                } catch (RuntimeException ignored) {
                    // Half-started: nothing more to stop.
                }
                if (attempt == 3) {
                    throw e;
                }
            }
        }
    }

    private static Operator newOperator() {
        Operator operator = new Operator(o -> o.withKubernetesClient(client).withCloseClientOnStop(false));
        TransitionEvents events = new TransitionEvents(client);
        OperatorMetrics metrics = new OperatorMetrics(new SimpleMeterRegistry());
        ExternalAddressBook book = new ExternalAddressBook();
        operator.register(new OverlayNetworkReconciler(events, metrics));
        operator.register(new ExternalNetworkReconciler(book, events, metrics));
        operator.register(new ImageReconciler(events, metrics));
        operator.register(new HypervisorReconciler(Duration.ofSeconds(1), 3, events, metrics));
        operator.register(new VirtualMachineReconciler(Duration.ofSeconds(30), client, book, events, metrics));
        return operator;
    }

    @Test
    void addressesAndVnisSurviveARestartAndNewVmsDoNotCollide() {
        Operator first = startOperator();
        apply("""
                apiVersion: cirrus.dev/v1alpha1
                kind: OverlayNetwork
                metadata: {name: net}
                spec: {cidr: 10.60.0.0/24, router: {externalNetwork: restart-ext}}
                """);
        client.resource("""
                apiVersion: cirrus.dev/v1alpha1
                kind: ExternalNetwork
                metadata: {name: restart-ext}
                spec:
                  uplink: {bridge: cirrus-ex0}
                  cidr: 198.51.100.0/24
                  gateway: 198.51.100.1
                  allocationRange: {start: 198.51.100.10, end: 198.51.100.250}
                """).fieldManager("test").forceConflicts().serverSideApply();
        apply("""
                apiVersion: cirrus.dev/v1alpha1
                kind: Image
                metadata: {name: kernel}
                spec: {url: http://images.local/vmlinuz, checksum: sha256:%s, format: kernel}
                """.formatted("b".repeat(64)));
        for (int i = 1; i <= 3; i++) {
            vm("before-" + i);
        }
        Map<String, InterfaceStatus> before = awaitRunning(List.of("before-1", "before-2", "before-3"));
        Long vni = client.resources(OverlayNetwork.class).inNamespace(NS).withName("net").get().getStatus().vni;
        String nodeAddress = await().atMost(Duration.ofSeconds(30)).until(() -> nodeAddress(), a -> a != null);
        first.stop();

        Operator second = startOperator();
        try {
            vm("after-1");
            Map<String, InterfaceStatus> after = awaitRunning(List.of("before-1", "before-2", "before-3", "after-1"));
            before.forEach((name, nic) -> {
                assertThat(after.get(name).ip).as(name).isEqualTo(nic.ip);
                assertThat(after.get(name).mac).as(name).isEqualTo(nic.mac);
            });
            assertThat(after.values().stream().map(n -> n.ip).distinct()).hasSize(4);
            assertThat(after.values().stream().map(n -> n.mac).distinct()).hasSize(4);
            before.forEach((name, nic) -> assertThat(after.get(name).externalIP).as(name).isEqualTo(nic.externalIP));
            List<String> external = new java.util.ArrayList<>(after.values().stream().map(n -> n.externalIP).toList());
            external.add(nodeAddress);
            assertThat(external).doesNotContainNull().doesNotHaveDuplicates();
            assertThat(nodeAddress()).isEqualTo(nodeAddress);
            assertThat(client.resources(OverlayNetwork.class).inNamespace(NS).withName("net").get().getStatus().vni).isEqualTo(vni);
        } finally {
            second.stop();
        }
    }

    private static Map<String, InterfaceStatus> awaitRunning(List<String> names) {
        return await().atMost(Duration.ofSeconds(30)).until(
                () -> names.stream().map(n -> client.resources(VirtualMachine.class).inNamespace(NS).withName(n).get()).toList(),
                vms -> vms.stream().allMatch(v -> v != null && v.getStatus() != null && v.getStatus().phase == VmPhase.Running))
                .stream().collect(Collectors.toMap(v -> v.getMetadata().getName(), v -> v.getStatus().interfaces.get(0), (a, b) -> a,
                        java.util.TreeMap::new));
    }

    private static void vm(String name) {
        apply("""
                apiVersion: cirrus.dev/v1alpha1
                kind: VirtualMachine
                metadata: {name: %s}
                spec:
                  memory: 128Mi
                  kernelBoot: {kernel: kernel}
                  nodeSelector: {pool: %s}
                  interfaces: [{name: eth0, network: net, floatingIP: {}}]
                """.formatted(name, NS));
    }

    private static String nodeAddress() {
        var status = client.resources(ExternalNetwork.class).withName("restart-ext").get().getStatus();
        return status == null ? null : status.nodes.stream().filter(n -> node.name().equals(n.node)).map(n -> n.address).findFirst().orElse(null);
    }

    private static void apply(String yaml) {
        client.resource(yaml).inNamespace(NS).fieldManager("test").forceConflicts().serverSideApply();
    }
}
