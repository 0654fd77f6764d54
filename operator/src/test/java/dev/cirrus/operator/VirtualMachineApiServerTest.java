package dev.cirrus.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import jakarta.inject.Inject;

import dev.cirrus.api.CirrusApi;
import dev.cirrus.api.ConditionTypes;
import dev.cirrus.api.v1alpha1.OverlayNetwork;
import dev.cirrus.api.v1alpha1.VirtualMachine;
import dev.cirrus.api.v1alpha1.VirtualMachineStatus.InterfaceStatus;
import dev.cirrus.api.v1alpha1.VmPhase;
import dev.cirrus.operator.sim.SimulatedNode;
import dev.cirrus.api.Conditions;
import dev.cirrus.testsupport.RealApiServerResource;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * The VM life cycle with simulated nodes on a real kube-apiserver. Each test has its own namespace
 * and its own nodes (selected by a label), so tests do not place VMs on each other's nodes.
 */
@QuarkusTest
@QuarkusTestResource(RealApiServerResource.class)
class VirtualMachineApiServerTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    KubernetesClient client;

    private final List<SimulatedNode> nodes = new ArrayList<>();
    private String ns;

    @AfterEach
    void stopNodes() {
        nodes.forEach(SimulatedNode::close);
    }

    private void tenant(TestInfo test) {
        ns = test.getTestMethod().orElseThrow().getName().replaceAll("([A-Z])", "-$1").toLowerCase();
        ns = ns.substring(0, Math.min(ns.length(), 50)).replaceAll("-$", "");
        client.resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).serverSideApply();
        apply("""
                apiVersion: cirrus.dev/v1alpha1
                kind: OverlayNetwork
                metadata: {name: net}
                spec: {cidr: 10.50.0.0/24, dhcp: {rangeStart: 10.50.0.100, rangeEnd: 10.50.0.199}}
                """);
        apply("""
                apiVersion: cirrus.dev/v1alpha1
                kind: Image
                metadata: {name: kernel}
                spec: {url: http://images.local/vmlinuz, checksum: sha256:%s, format: kernel}
                """.formatted("a".repeat(64)));
    }

    private SimulatedNode node(String name, int cpu, String memory) {
        SimulatedNode node = new SimulatedNode(client, ns + "-" + name, cpu, memory, Map.of("pool", ns), Duration.ofSeconds(1)).start();
        nodes.add(node);
        return node;
    }

    private void vm(String name, String extra) {
        apply("""
                apiVersion: cirrus.dev/v1alpha1
                kind: VirtualMachine
                metadata: {name: %s, labels: {app: %s}}
                spec:
                  memory: 256Mi
                  kernelBoot: {kernel: kernel}
                  nodeSelector: {pool: %s}
                  interfaces: [{name: eth0, network: net}]
                  %s
                """.formatted(name, name, ns, extra));
    }

    private void vmWithIp(String name, String ip) {
        apply("""
                apiVersion: cirrus.dev/v1alpha1
                kind: VirtualMachine
                metadata: {name: %s}
                spec:
                  memory: 256Mi
                  kernelBoot: {kernel: kernel}
                  nodeSelector: {pool: %s}
                  interfaces: [{name: eth0, network: net, ip: %s}]
                """.formatted(name, ns, ip));
    }

    @Test
    void aVmIsScheduledAddressedRunsAndIsDeletedCleanly(TestInfo test) {
        tenant(test);
        SimulatedNode node = node("n1", 4, "4Gi");
        vm("web", "");

        VirtualMachine vm = awaitVm("web", v -> v.getStatus() != null && v.getStatus().phase == VmPhase.Running);
        assertThat(vm.getStatus().nodeName).isEqualTo(node.name());
        assertThat(vm.getMetadata().getLabels()).containsEntry(CirrusApi.NODE_LABEL, node.name());
        InterfaceStatus nic = vm.getStatus().interfaces.get(0);
        assertThat(nic.ip).isEqualTo("10.50.0.100");
        assertThat(nic.mac).matches("^[0-9a-f][26ae](:[0-9a-f]{2}){5}$");
        assertThat(Conditions.isTrue(vm.getStatus().conditions, ConditionTypes.SCHEDULED)).isTrue();
        assertThat(Conditions.isTrue(vm.getStatus().conditions, ConditionTypes.READY)).isTrue();
        assertThat(vm.getStatus().observedGeneration).isEqualTo(vm.getMetadata().getGeneration());

        client.resources(VirtualMachine.class).inNamespace(ns).withName("web").delete();
        await().atMost(WAIT).until(() -> client.resources(VirtualMachine.class).inNamespace(ns).withName("web").get() == null);

        // The address is free again.
        vm("web2", "");
        assertThat(awaitVm("web2", v -> v.getStatus() != null && v.getStatus().phase == VmPhase.Running)
                .getStatus().interfaces.get(0).ip).isEqualTo("10.50.0.100");
    }

    @Test
    void addressesSurviveStopAndStart(TestInfo test) {
        tenant(test);
        node("n1", 4, "4Gi");
        vm("db", "");
        InterfaceStatus before = awaitVm("db", v -> v.getStatus() != null && v.getStatus().phase == VmPhase.Running).getStatus().interfaces.get(0);

        patchSpec("db", "{\"spec\":{\"runStrategy\":\"Halted\"}}");
        awaitVm("db", v -> v.getStatus().phase == VmPhase.Stopped);
        patchSpec("db", "{\"spec\":{\"runStrategy\":\"Always\"}}");
        InterfaceStatus after = awaitVm("db", v -> v.getStatus().phase == VmPhase.Running).getStatus().interfaces.get(0);

        assertThat(after.ip).isEqualTo(before.ip);
        assertThat(after.mac).isEqualTo(before.mac);
    }

    @Test
    void twoVmsRacingForOneStaticIpExactlyOneGetsIt(TestInfo test) {
        tenant(test);
        node("n1", 8, "8Gi");
        CompletableFuture<?> a = CompletableFuture.runAsync(() -> vmWithIp("left", "10.50.0.7"));
        CompletableFuture<?> b = CompletableFuture.runAsync(() -> vmWithIp("right", "10.50.0.7"));
        CompletableFuture.allOf(a, b).join();

        await().atMost(WAIT).until(() -> List.of(get("left"), get("right")).stream()
                .allMatch(v -> v.getStatus() != null && (v.getStatus().phase == VmPhase.Running
                        || Conditions.find(v.getStatus().conditions, ConditionTypes.READY).map(Condition::getReason).orElse("").equals("IPConflict"))));
        List<VirtualMachine> both = List.of(get("left"), get("right"));
        assertThat(both).filteredOn(v -> v.getStatus().phase == VmPhase.Running).hasSize(1)
                .allSatisfy(v -> assertThat(v.getStatus().interfaces.get(0).ip).isEqualTo("10.50.0.7"));
        VirtualMachine loser = both.stream().filter(v -> v.getStatus().phase != VmPhase.Running).findFirst().orElseThrow();
        Condition ready = Conditions.find(loser.getStatus().conditions, ConditionTypes.READY).orElseThrow();
        assertThat(ready.getStatus()).isEqualTo("False");
        assertThat(ready.getMessage()).startsWith("interface eth0: 10.50.0.7 is already used by " + ns + "/");
        assertThat(loser.getStatus().nodeName).isNull();
    }

    @Test
    void aNetworkInUseIsNotDeletedUntilItsVmsAreGone(TestInfo test) {
        tenant(test);
        node("n1", 4, "4Gi");
        vm("app", "");
        awaitVm("app", v -> v.getStatus() != null && v.getStatus().phase == VmPhase.Running);

        client.resources(OverlayNetwork.class).inNamespace(ns).withName("net").delete();
        OverlayNetwork blocked = await().atMost(WAIT).until(() -> client.resources(OverlayNetwork.class).inNamespace(ns).withName("net").get(),
                n -> Conditions.find(n.getStatus().conditions, ConditionTypes.READY).map(Condition::getReason).orElse("").equals("InUse"));
        assertThat(Conditions.find(blocked.getStatus().conditions, ConditionTypes.READY).orElseThrow().getMessage())
                .isEqualTo("deletion waits until no VM uses the network; still used by: app");

        client.resources(VirtualMachine.class).inNamespace(ns).withName("app").delete();
        await().atMost(WAIT).until(() -> client.resources(OverlayNetwork.class).inNamespace(ns).withName("net").get() == null);
    }

    @Test
    void aVmOnALostNodeMovesKeepingItsAddresses(TestInfo test) {
        tenant(test);
        SimulatedNode first = node("n1", 4, "4Gi");
        vm("mover", "");
        VirtualMachine before = awaitVm("mover", v -> v.getStatus() != null && v.getStatus().phase == VmPhase.Running);
        assertThat(before.getStatus().nodeName).isEqualTo(first.name());
        SimulatedNode second = node("n2", 4, "4Gi");

        first.stopBeating();
        VirtualMachine after = await().atMost(WAIT).until(() -> get("mover"),
                v -> second.name().equals(v.getStatus().nodeName) && v.getStatus().phase == VmPhase.Running);
        assertThat(after.getMetadata().getLabels()).containsEntry(CirrusApi.NODE_LABEL, second.name());
        assertThat(after.getStatus().interfaces.get(0).ip).isEqualTo(before.getStatus().interfaces.get(0).ip);
        assertThat(after.getStatus().interfaces.get(0).mac).isEqualTo(before.getStatus().interfaces.get(0).mac);
    }

    @Test
    void anUnschedulableVmSaysWhyAndIsScheduledWhenCapacityAppears(TestInfo test) {
        tenant(test);
        node("small", 1, "512Mi");
        vm("big", "cpu: 2");
        // The node's first heartbeat may land after the first attempt: wait for the capacity verdict.
        VirtualMachine waiting = awaitVm("big", v -> v.getStatus() != null && v.getStatus().phase == VmPhase.Scheduling
                && Conditions.find(v.getStatus().conditions, ConditionTypes.SCHEDULED).map(Condition::getMessage).orElse("").contains("insufficient"));
        Condition scheduled = Conditions.find(waiting.getStatus().conditions, ConditionTypes.SCHEDULED).orElseThrow();
        assertThat(scheduled.getStatus()).isEqualTo("False");
        assertThat(scheduled.getReason()).isEqualTo("Unschedulable");
        assertThat(scheduled.getMessage()).contains("insufficient cpu");

        SimulatedNode large = node("large", 4, "4Gi");
        assertThat(awaitVm("big", v -> v.getStatus().phase == VmPhase.Running).getStatus().nodeName).isEqualTo(large.name());
    }

    private VirtualMachine get(String name) {
        return client.resources(VirtualMachine.class).inNamespace(ns).withName(name).get();
    }

    private VirtualMachine awaitVm(String name, java.util.function.Predicate<VirtualMachine> condition) {
        return await().atMost(WAIT).until(() -> get(name), v -> v != null && condition.test(v));
    }

    private void patchSpec(String name, String mergePatch) {
        client.resources(VirtualMachine.class).inNamespace(ns).withName(name)
                .patch(io.fabric8.kubernetes.client.dsl.base.PatchContext.of(io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE), mergePatch);
    }

    private void apply(String yaml) {
        client.resource(yaml).inNamespace(ns).fieldManager("test").forceConflicts().serverSideApply();
    }
}
