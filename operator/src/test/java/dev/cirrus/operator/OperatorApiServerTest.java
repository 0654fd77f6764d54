package dev.cirrus.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import jakarta.inject.Inject;

import dev.cirrus.api.ConditionTypes;
import dev.cirrus.api.v1alpha1.Hypervisor;
import dev.cirrus.api.v1alpha1.HypervisorStatus;
import dev.cirrus.api.v1alpha1.Image;
import dev.cirrus.api.v1alpha1.OverlayNetwork;
import dev.cirrus.api.v1alpha1.VirtualMachine;
import dev.cirrus.api.Conditions;
import dev.cirrus.testsupport.RealApiServerResource;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The operator running against a real kube-apiserver: what users see in status. */
@QuarkusTest
@QuarkusTestResource(RealApiServerResource.class)
class OperatorApiServerTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    KubernetesClient client;

    @BeforeEach
    void namespaces() {
        for (String ns : List.of("tenant-a", "tenant-b")) {
            client.resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).serverSideApply();
        }
    }

    @Test
    void networksGetDistinctVnisAndAGatewayAndOverlapsAreReportedPerTenant() {
        apply("""
                apiVersion: cirrus.dev/v1alpha1
                kind: OverlayNetwork
                metadata: {name: net, namespace: tenant-a}
                spec: {cidr: 10.20.0.0/24}
                """);
        apply("""
                apiVersion: cirrus.dev/v1alpha1
                kind: OverlayNetwork
                metadata: {name: net, namespace: tenant-b}
                spec: {cidr: 10.20.0.0/24, gateway: 10.20.0.254}
                """);
        OverlayNetwork a = awaitCondition(OverlayNetwork.class, "tenant-a", "net", ConditionTypes.READY, "True");
        OverlayNetwork b = awaitCondition(OverlayNetwork.class, "tenant-b", "net", ConditionTypes.READY, "True");
        assertThat(a.getStatus().vni).isNotNull().isNotEqualTo(b.getStatus().vni);
        assertThat(a.getStatus().gateway).isEqualTo("10.20.0.1");
        assertThat(b.getStatus().gateway).isEqualTo("10.20.0.254");
        assertThat(a.getStatus().observedGeneration).isEqualTo(a.getMetadata().getGeneration());

        apply("""
                apiVersion: cirrus.dev/v1alpha1
                kind: OverlayNetwork
                metadata: {name: overlapping, namespace: tenant-a}
                spec: {cidr: 10.20.0.0/16}
                """);
        Condition ready = condition(awaitCondition(OverlayNetwork.class, "tenant-a", "overlapping", ConditionTypes.READY, "False"),
                ConditionTypes.READY);
        assertThat(ready.getReason()).isEqualTo("CIDROverlap");
        assertThat(ready.getMessage()).contains("overlaps network net (10.20.0.0/24)");
    }

    @Test
    void aGatewayOnTheBroadcastAddressIsReported() {
        apply("""
                apiVersion: cirrus.dev/v1alpha1
                kind: OverlayNetwork
                metadata: {name: broadcast-gw, namespace: tenant-b}
                spec: {cidr: 10.30.0.0/24, gateway: 10.30.0.255}
                """);
        Condition ready = condition(awaitCondition(OverlayNetwork.class, "tenant-b", "broadcast-gw", ConditionTypes.READY, "False"),
                ConditionTypes.READY);
        assertThat(ready.getReason()).isEqualTo("InvalidSubnet");
        assertThat(ready.getMessage()).isEqualTo("gateway 10.30.0.255 is the network or broadcast address of 10.30.0.0/24");
    }

    @Test
    void aVmWithMissingReferencesSaysWhichAndRecoversWhenTheyAppear() {
        apply("""
                apiVersion: cirrus.dev/v1alpha1
                kind: VirtualMachine
                metadata: {name: orphan, namespace: tenant-a}
                spec:
                  kernelBoot: {kernel: k}
                  interfaces: [{name: eth0, network: later}]
                """);
        VirtualMachine vm = awaitCondition(VirtualMachine.class, "tenant-a", "orphan", ConditionTypes.VALID, "False");
        assertThat(condition(vm, ConditionTypes.VALID).getMessage())
                .isEqualTo("network later not found; kernelBoot.kernel: image k not found");
        assertThat(vm.getStatus().phase).hasToString("Pending");

        apply("""
                apiVersion: cirrus.dev/v1alpha1
                kind: OverlayNetwork
                metadata: {name: later, namespace: tenant-a}
                spec: {cidr: 10.40.0.0/24}
                """);
        apply("""
                apiVersion: cirrus.dev/v1alpha1
                kind: Image
                metadata: {name: k, namespace: tenant-a}
                spec: {url: http://images.local/vmlinuz, checksum: sha256:%s, format: kernel}
                """.formatted("0".repeat(64)));
        awaitCondition(VirtualMachine.class, "tenant-a", "orphan", ConditionTypes.VALID, "True");
        // No node in this test: the VM goes on to wait for one.
        vm = awaitCondition(VirtualMachine.class, "tenant-a", "orphan", ConditionTypes.SCHEDULED, "False");
        assertThat(condition(vm, ConditionTypes.SCHEDULED).getReason()).isEqualTo("Unschedulable");
    }

    @Test
    void anImageIsReadyOnceANodeReportsItCachedWithTheRightChecksum() {
        String checksum = "sha256:" + "1".repeat(64);
        apply("""
                apiVersion: cirrus.dev/v1alpha1
                kind: Image
                metadata: {name: disk, namespace: tenant-b}
                spec: {url: http://images.local/disk.qcow2, checksum: %s}
                """.formatted(checksum));
        assertThat(condition(awaitCondition(Image.class, "tenant-b", "disk", ConditionTypes.READY, "False"), ConditionTypes.READY)
                .getReason()).isEqualTo("NotCached");

        hypervisor("image-node", Instant.now());
        HypervisorStatus.ImageCacheEntry entry = new HypervisorStatus.ImageCacheEntry();
        entry.namespace = "tenant-b";
        entry.name = "disk";
        entry.checksum = checksum;
        entry.state = "Ready";
        entry.sizeBytes = 1234L;
        // The operator may write the node's status meanwhile: retry on conflicts like a daemon would.
        await().atMost(WAIT).ignoreExceptions().until(() -> client.resources(Hypervisor.class).withName("image-node")
                .editStatus(h -> {
                    h.getStatus().images = List.of(entry);
                    return h;
                }) != null);

        Image image = awaitCondition(Image.class, "tenant-b", "disk", ConditionTypes.READY, "True");
        assertThat(image.getStatus().availableNodes).isEqualTo(1);
        assertThat(image.getStatus().sizeBytes).isEqualTo(1234L);
    }

    @Test
    void aNodeThatStopsBeatingIsMarkedNotReady() {
        hypervisor("quiet-node", Instant.now().minus(Duration.ofMinutes(5)));
        Hypervisor node = awaitCondition(Hypervisor.class, null, "quiet-node", ConditionTypes.READY, "False");
        assertThat(condition(node, ConditionTypes.READY).getReason()).isEqualTo("HeartbeatMissed");
    }

    private Hypervisor hypervisor(String name, Instant lastBeat) {
        Hypervisor node = new Hypervisor();
        node.getMetadata().setName(name);
        node = client.resource(node).create();
        node.setStatus(new HypervisorStatus());
        node.getStatus().lastHeartbeatTime = lastBeat.toString();
        node.getStatus().conditions = Conditions.set(List.of(), ConditionTypes.READY, true, "Heartbeat", "ok", 1);
        Hypervisor withStatus = node;
        return await().atMost(WAIT).ignoreExceptions().until(() -> client.resources(Hypervisor.class)
                .withName(withStatus.getMetadata().getName()).editStatus(h -> {
                    h.setStatus(withStatus.getStatus());
                    return h;
                }), h -> true);
    }

    private void apply(String yaml) {
        client.resource(yaml).fieldManager("test").forceConflicts().serverSideApply();
    }

    private <T extends CustomResource<?, ?>> T awaitCondition(Class<T> type, String namespace, String name, String condition,
            String status) {
        return await().atMost(WAIT).until(() -> get(type, namespace, name),
                r -> r != null && conditions(r).stream().anyMatch(c -> condition.equals(c.getType()) && status.equals(c.getStatus())));
    }

    private <T extends HasMetadata> T get(Class<T> type, String namespace, String name) {
        return namespace == null ? client.resources(type).withName(name).get()
                : client.resources(type).inNamespace(namespace).withName(name).get();
    }

    private static Condition condition(CustomResource<?, ?> resource, String type) {
        return Conditions.find(conditions(resource), type).orElseThrow();
    }

    @SuppressWarnings("unchecked")
    private static List<Condition> conditions(CustomResource<?, ?> resource) {
        Object status = resource.getStatus();
        if (status == null) {
            return List.of();
        }
        try {
            return (List<Condition>) status.getClass().getField("conditions").get(status);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}
