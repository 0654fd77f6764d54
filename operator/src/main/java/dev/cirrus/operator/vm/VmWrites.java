package dev.cirrus.operator.vm;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import dev.cirrus.api.CirrusApi;
import dev.cirrus.api.v1alpha1.VirtualMachine;
import dev.cirrus.api.v1alpha1.VirtualMachineStatus;
import dev.cirrus.operator.metrics.OperatorMetrics;
import dev.cirrus.operator.status.TransitionEvents;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.api.reconciler.Context;

/**
 * Every write the operator makes to a VM. Status is replaced whole with the resourceVersion it was
 * computed from (the node daemon writes the same status: a stale decision fails and is retried),
 * and never when nothing changed. The node label (with the node's cleanup finalizer) is set only
 * after the status holding the decision is stored, since the label is what makes the node daemon act.
 *
 * <p>Writes go through the framework's resource operations: the next reconcile sees what was
 * written even before the informer does, and the write's own event does not trigger a reconcile.
 */
final class VmWrites {
    /** The framework's finalizer, which earlier operator versions put on every VM. */
    static final String LEGACY_FINALIZER = "virtualmachines." + CirrusApi.GROUP + "/finalizer";

    private final KubernetesClient client;
    private final TransitionEvents events;
    private final OperatorMetrics metrics;

    VmWrites(KubernetesClient client, TransitionEvents events, OperatorMetrics metrics) {
        this.client = client;
        this.events = events;
        this.metrics = metrics;
    }

    VirtualMachine status(VirtualMachine vm, VirtualMachineStatus next, Context<VirtualMachine> context) {
        metrics.vmPhase(vm.getMetadata().getUid(), next.phase);
        if (vm.getStatus() != null && Serialization.asJson(vm.getStatus()).equals(Serialization.asJson(next))) {
            return vm;
        }
        VirtualMachine copy = Serialization.clone(vm);
        copy.setStatus(next);
        VirtualMachine stored = context.resourceOperations().updatePrimaryStatus(copy);
        events.record(vm, vm.getStatus() == null ? null : vm.getStatus().conditions, next.conditions);
        return stored;
    }

    /**
     * Hands the VM to its node: the node label (the node daemon's watch selector) and the node's
     * cleanup finalizer in one server-side apply of metadata only, so deleting the VM waits for the
     * node from the moment the node may act.
     */
    VirtualMachine claimForNode(VirtualMachine vm, String node, Context<VirtualMachine> context) {
        String current = vm.getMetadata().getLabels() == null ? null : vm.getMetadata().getLabels().get(CirrusApi.NODE_LABEL);
        if (Objects.equals(current, node) && vm.hasFinalizer(CirrusApi.NODE_CLEANUP_FINALIZER)) {
            return vm;
        }
        VirtualMachine claim = new VirtualMachine();
        claim.setSpec(null);
        claim.setStatus(null);
        claim.setMetadata(new ObjectMetaBuilder()
                .withName(vm.getMetadata().getName())
                .withNamespace(vm.getMetadata().getNamespace())
                .withLabels(Map.of(CirrusApi.NODE_LABEL, node))
                .withFinalizers(List.of(CirrusApi.NODE_CLEANUP_FINALIZER))
                .build());
        return context.resourceOperations().serverSideApplyPrimary(claim);
    }

    /** Drops finalizers whose owner can no longer act (a lost node, an earlier operator version). */
    void removeFinalizers(VirtualMachine vm, Set<String> finalizers) {
        if (vm.getMetadata().getFinalizers().stream().noneMatch(finalizers::contains)) {
            return;
        }
        VirtualMachine copy = Serialization.clone(vm);
        copy.getMetadata().setFinalizers(vm.getMetadata().getFinalizers().stream().filter(f -> !finalizers.contains(f)).toList());
        copy.setStatus(null);
        client.resource(copy).update();
    }
}
