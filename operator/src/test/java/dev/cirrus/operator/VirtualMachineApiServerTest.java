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
import dev.cirrus.api.v1alpha1.ExternalNetwork;
import dev.cirrus.api.v1alpha1.OverlayNetwork;
import dev.cirrus.api.v1alpha1.VirtualMachine;
import dev.cirrus.api.v1alpha1.VirtualMachineStatus.InterfaceStatus;
import dev.cirrus.api.v1alpha1.VmPhase;
import dev.cirrus.operator.ipam.Ipv4;
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

    /** An ExternalNetwork for this test (cluster-scoped: named after the namespace) and a network routed through it. */
    private String routedNetwork(String network, String start, String end) {
        String external = ns + "-ext";
        client.resource("""
                apiVersion: cirrus.dev/v1alpha1
                kind: ExternalNetwork
                metadata: {name: %s}
                spec:
                  uplink: {bridge: cirrus-ex0}
                  cidr: 203.0.113.0/24
                  gateway: 203.0.113.1
                  allocationRange: {start: %s, end: %s}
                """.formatted(external, start, end)).fieldManager("test").forceConflicts().serverSideApply();
        apply("""
                apiVersion: cirrus.dev/v1alpha1
                kind: OverlayNetwork
                metadata: {name: %s}
                spec: {cidr: 10.51.0.0/24, router: {externalNetwork: %s}}
                """.formatted(network, external));
        return external;
    }

    private void routedVm(String name, String nic) {
        apply("""
                apiVersion: cirrus.dev/v1alpha1
                kind: VirtualMachine
                metadata: {name: %s}
                spec:
                  memory: 128Mi
                  kernelBoot: {kernel: kernel}
                  nodeSelector: {pool: %s}
                  interfaces: [%s]
                """.formatted(name, ns, nic));
    }

    private ExternalNetwork external(String name) {
        return client.resources(ExternalNetwork.class).withName(name).get();
    }

    private static String reason(VirtualMachine vm) {
        return vm.getStatus() == null ? "" : Conditions.find(vm.getStatus().conditions, ConditionTypes.READY).map(Condition::getReason).orElse("");
    }

    @Test
    void floatingIpAndNodeAddressesAreAllocatedKeptAcrossStopStartAndMovesAndReleased(TestInfo test) {
        tenant(test);
        SimulatedNode first = node("n1", 4, "4Gi");
        String external = routedNetwork("routed", "203.0.113.100", "203.0.113.199");
        routedVm("web", "{name: eth0, network: routed, floatingIP: {}, firewall: [{protocol: TCP, portFrom: 80}]}");

        VirtualMachine vm = awaitVm("web", v -> v.getStatus() != null && v.getStatus().phase == VmPhase.Running);
        InterfaceStatus nic = vm.getStatus().interfaces.get(0);
        assertThat(nic.externalNetwork).isEqualTo(external);
        assertThat(nic.externalIP).startsWith("203.0.113.1").isNotEqualTo("203.0.113.1");
        ExternalNetwork enet = await().atMost(WAIT).until(() -> external(external), e -> e.getStatus() != null
                && e.getStatus().nodes.stream().anyMatch(n -> first.name().equals(n.node)));
        assertThat(Conditions.isTrue(enet.getStatus().conditions, ConditionTypes.READY)).isTrue();
        assertThat(enet.getStatus().observedGeneration).isEqualTo(enet.getMetadata().getGeneration());
        List<String> nodeAddresses = enet.getStatus().nodes.stream().map(n -> n.address).toList();
        assertThat(nodeAddresses).doesNotHaveDuplicates().doesNotContain(nic.externalIP)
                .allSatisfy(a -> assertThat(Ipv4.parse(a).compareTo(Ipv4.parse("203.0.113.100"))).isNotNegative());
        String firstNodeAddress = nodeOf(enet, first.name());
        // Other test classes' Hypervisors get addresses too: count what the status shows.
        await().atMost(WAIT).until(() -> external(external), e -> e.getStatus().freeAddresses != null
                && e.getStatus().freeAddresses == 100 - e.getStatus().nodes.size() - 1);

        patchSpec("web", "{\"spec\":{\"runStrategy\":\"Halted\"}}");
        awaitVm("web", v -> v.getStatus().phase == VmPhase.Stopped);
        patchSpec("web", "{\"spec\":{\"runStrategy\":\"Always\"}}");
        assertThat(awaitVm("web", v -> v.getStatus().phase == VmPhase.Running).getStatus().interfaces.get(0).externalIP)
                .isEqualTo(nic.externalIP);

        SimulatedNode second = node("n2", 4, "4Gi");
        await().atMost(WAIT).until(() -> nodeOf(external(external), second.name()) != null);
        first.stopBeating();
        VirtualMachine moved = await().atMost(WAIT).until(() -> get("web"),
                v -> second.name().equals(v.getStatus().nodeName) && v.getStatus().phase == VmPhase.Running);
        assertThat(moved.getStatus().interfaces.get(0).externalIP).isEqualTo(nic.externalIP);
        assertThat(moved.getStatus().interfaces.get(0).externalNetwork).isEqualTo(external);
        assertThat(nodeOf(external(external), first.name())).as("a node that is only NotReady keeps its address").isEqualTo(firstNodeAddress);

        // A deleted Hypervisor frees its address; a deleted VM frees its floating IP once its node let go.
        first.close();
        await().atMost(WAIT).until(() -> nodeOf(external(external), first.name()) == null);
        client.resources(VirtualMachine.class).inNamespace(ns).withName("web").delete();
        await().atMost(WAIT).until(() -> get("web") == null);
        Ipv4 lowestFree = lowestFree(external(external));
        routedVm("next", "{name: eth0, network: routed, portForwards: [{port: 8080, targetPort: 80}]}");
        assertThat(awaitVm("next", v -> v.getStatus() != null && v.getStatus().phase == VmPhase.Running)
                .getStatus().interfaces.get(0).externalIP).isEqualTo(lowestFree.toString());
    }

    @Test
    void twoVmsRacingForOneFloatingIpExactlyOneGetsItUntilTheWinnerLetsGo(TestInfo test) {
        tenant(test);
        node("n1", 8, "8Gi");
        routedNetwork("routed", "203.0.113.10", "203.0.113.99");
        String nic = "{name: eth0, network: routed, floatingIP: {address: 203.0.113.50}}";
        CompletableFuture<?> a = CompletableFuture.runAsync(() -> routedVm("left", nic));
        CompletableFuture<?> b = CompletableFuture.runAsync(() -> routedVm("right", nic));
        CompletableFuture.allOf(a, b).join();

        await().atMost(WAIT).until(() -> List.of(get("left"), get("right")).stream()
                .allMatch(v -> v.getStatus() != null && (v.getStatus().phase == VmPhase.Running || reason(v).equals("ExternalIPConflict"))));
        List<VirtualMachine> both = List.of(get("left"), get("right"));
        VirtualMachine winner = both.stream().filter(v -> v.getStatus().phase == VmPhase.Running).findFirst().orElseThrow();
        VirtualMachine loser = both.stream().filter(v -> v != winner).findFirst().orElseThrow();
        assertThat(winner.getStatus().interfaces.get(0).externalIP).isEqualTo("203.0.113.50");
        assertThat(reason(loser)).isEqualTo("ExternalIPConflict");
        assertThat(Conditions.find(loser.getStatus().conditions, ConditionTypes.READY).orElseThrow().getMessage())
                .isEqualTo("interface eth0: 203.0.113.50 is already used by " + ns + "/" + winner.getMetadata().getName() + " (interface eth0)");
        assertThat(loser.getStatus().nodeName).isNull();

        // Removing the floating IP from the winner's spec releases it: the loser gets it on its next try.
        patchSpec(winner.getMetadata().getName(), "{\"spec\":{\"interfaces\":[{\"name\":\"eth0\",\"network\":\"routed\"}]}}");
        assertThat(awaitVm(winner.getMetadata().getName(), v -> v.getStatus().interfaces.get(0).externalIP == null)
                .getStatus().interfaces.get(0).externalNetwork).isNull();
        assertThat(awaitVm(loser.getMetadata().getName(), v -> v.getStatus().phase == VmPhase.Running)
                .getStatus().interfaces.get(0).externalIP).isEqualTo("203.0.113.50");
    }

    @Test
    void badExternalRequestsAreReportedWithoutDisturbingOtherVms(TestInfo test) {
        tenant(test);
        node("n1", 8, "8Gi");
        vm("plain", "");
        routedVm("no-router", "{name: eth0, network: net, portForwards: [{port: 2222, targetPort: 22}]}");
        assertThat(reason(awaitVm("no-router", v -> reason(v).equals("NoRouter"))))
                .isEqualTo("NoRouter");
        assertThat(Conditions.find(get("no-router").getStatus().conditions, ConditionTypes.READY).orElseThrow().getMessage())
                .isEqualTo("interface eth0 asks for port forwards but network net has no router (spec.router)");

        String external = ns + "-ext";
        apply("""
                apiVersion: cirrus.dev/v1alpha1
                kind: OverlayNetwork
                metadata: {name: routed}
                spec: {cidr: 10.51.0.0/24, router: {externalNetwork: %s}}
                """.formatted(external));
        routedVm("early", "{name: eth0, network: routed, floatingIP: {}}");
        OverlayNetwork waiting = await().atMost(WAIT).until(() -> client.resources(OverlayNetwork.class).inNamespace(ns).withName("routed").get(),
                n -> n.getStatus() != null && Conditions.find(n.getStatus().conditions, ConditionTypes.ROUTER_READY).isPresent());
        Condition router = Conditions.find(waiting.getStatus().conditions, ConditionTypes.ROUTER_READY).orElseThrow();
        assertThat(router.getReason()).isEqualTo("ExternalNetworkNotFound");
        assertThat(router.getMessage()).isEqualTo("ExternalNetwork " + external + " not found");
        assertThat(Conditions.isTrue(waiting.getStatus().conditions, ConditionTypes.READY)).as("the overlay itself works").isTrue();
        awaitVm("early", v -> reason(v).equals("ExternalNetworkNotFound"));

        // An invalid range is reported on the ExternalNetwork; the VM waits for it.
        routedNetwork("routed", "203.0.113.120", "203.0.113.110");
        ExternalNetwork invalid = await().atMost(WAIT).until(() -> external(external),
                e -> e.getStatus() != null && Conditions.find(e.getStatus().conditions, ConditionTypes.READY).isPresent());
        Condition ready = Conditions.find(invalid.getStatus().conditions, ConditionTypes.READY).orElseThrow();
        assertThat(ready.getReason()).isEqualTo("InvalidRange");
        assertThat(ready.getMessage()).isEqualTo("allocationRange 203.0.113.120-203.0.113.110: start is after end");
        awaitVm("early", v -> reason(v).equals("ExternalNetworkNotReady"));

        routedNetwork("routed", "203.0.113.110", "203.0.113.120");
        await().atMost(WAIT).until(() -> Conditions.isTrue(client.resources(OverlayNetwork.class).inNamespace(ns).withName("routed").get()
                .getStatus().conditions, ConditionTypes.ROUTER_READY));
        assertThat(awaitVm("early", v -> v.getStatus().phase == VmPhase.Running).getStatus().interfaces.get(0).externalIP)
                .startsWith("203.0.113.1");
        routedVm("outside", "{name: eth0, network: routed, floatingIP: {address: 203.0.113.200}}");
        assertThat(Conditions.find(awaitVm("outside", v -> reason(v).equals("ExternalIPOutOfRange")).getStatus().conditions, ConditionTypes.READY)
                .orElseThrow().getMessage())
                .isEqualTo("interface eth0: 203.0.113.200 is outside allocationRange 203.0.113.110-203.0.113.120 of ExternalNetwork " + external);
        awaitVm("plain", v -> v.getStatus() != null && v.getStatus().phase == VmPhase.Running);

        // Deleting the ExternalNetwork waits while a network routes through it.
        client.resources(ExternalNetwork.class).withName(external).delete();
        ExternalNetwork blocked = await().atMost(WAIT).until(() -> external(external),
                e -> Conditions.find(e.getStatus().conditions, ConditionTypes.READY).map(Condition::getReason).orElse("").equals("InUse"));
        assertThat(Conditions.find(blocked.getStatus().conditions, ConditionTypes.READY).orElseThrow().getMessage())
                .isEqualTo("deletion waits until no OverlayNetwork routes through it; still used by: " + ns + "/routed");
        patchNetwork("routed", "{\"spec\":{\"router\":null}}");
        await().atMost(WAIT).until(() -> external(external) == null);
    }

    private static String nodeOf(ExternalNetwork network, String node) {
        return network.getStatus() == null ? null : network.getStatus().nodes.stream().filter(n -> node.equals(n.node))
                .map(n -> n.address).findFirst().orElse(null);
    }

    /** The lowest address of the test range that no node and no VM holds. */
    private Ipv4 lowestFree(ExternalNetwork network) {
        java.util.Set<String> used = new java.util.HashSet<>();
        network.getStatus().nodes.forEach(n -> used.add(n.address));
        client.resources(VirtualMachine.class).inAnyNamespace().list().getItems().stream()
                .filter(v -> v.getStatus() != null).flatMap(v -> v.getStatus().interfaces.stream())
                .filter(i -> network.getMetadata().getName().equals(i.externalNetwork)).forEach(i -> used.add(i.externalIP));
        for (int host = 100; host <= 199; host++) {
            if (!used.contains("203.0.113." + host)) {
                return Ipv4.parse("203.0.113." + host);
            }
        }
        return null;
    }

    private void patchNetwork(String name, String mergePatch) {
        client.resources(OverlayNetwork.class).inNamespace(ns).withName(name)
                .patch(io.fabric8.kubernetes.client.dsl.base.PatchContext.of(io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE), mergePatch);
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
