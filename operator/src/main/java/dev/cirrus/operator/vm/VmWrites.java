package dev.cirrus.operator.vm;

import java.util.ArrayList;
import java.util.Objects;

import dev.cirrus.api.CirrusApi;
import dev.cirrus.api.v1alpha1.VirtualMachine;
import dev.cirrus.api.v1alpha1.VirtualMachineStatus;
import dev.cirrus.operator.metrics.OperatorMetrics;
import dev.cirrus.operator.status.TransitionEvents;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;

/**
 * Every write the operator makes to a VM. Status is replaced whole with the resourceVersion it was
 * computed from (the node daemon writes the same status: a stale decision fails and is retried),
 * and never when nothing changed. The node label is set only after the status holding the
 * decision is stored, since the label is what makes the node daemon act.
 */
final class VmWrites {
    private final KubernetesClient client;
    private final TransitionEvents events;
    private final OperatorMetrics metrics;
    private final java.util.Map<String, String> labelled = new java.util.concurrent.ConcurrentHashMap<>();

    VmWrites(KubernetesClient client, TransitionEvents events, OperatorMetrics metrics) {
        this.client = client;
        this.events = events;
        this.metrics = metrics;
    }

    VirtualMachine status(VirtualMachine vm, VirtualMachineStatus next) {
        metrics.vmPhase(vm.getMetadata().getUid(), next.phase);
        if (vm.getStatus() != null && Serialization.asJson(vm.getStatus()).equals(Serialization.asJson(next))) {
            return vm;
        }
        VirtualMachine copy = Serialization.clone(vm);
        copy.setStatus(next);
        VirtualMachine stored = client.resource(copy).updateStatus();
        events.record(vm, vm.getStatus() == null ? null : vm.getStatus().conditions, next.conditions);
        return stored;
    }

    VirtualMachine nodeLabel(VirtualMachine vm, String node) {
        String current = vm.getMetadata().getLabels() == null ? null : vm.getMetadata().getLabels().get(CirrusApi.NODE_LABEL);
        // The informer copy may not show our own patch yet: remember what was written.
        String uid = vm.getMetadata().getUid();
        if (Objects.equals(current, node) || Objects.equals(labelled.get(uid), node)) {
            if (Objects.equals(current, node)) {
                labelled.remove(uid);
            }
            return vm;
        }
        labelled.put(uid, node);
        String patch = node == null
                ? "{\"metadata\":{\"labels\":{\"" + CirrusApi.NODE_LABEL + "\":null}}}"
                : "{\"metadata\":{\"labels\":{\"" + CirrusApi.NODE_LABEL + "\":\"" + node + "\"}}}";
        return client.resources(VirtualMachine.class).inNamespace(vm.getMetadata().getNamespace()).withName(vm.getMetadata().getName())
                .patch(new io.fabric8.kubernetes.client.dsl.base.PatchContext.Builder()
                        .withPatchType(io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE).build(), patch);
    }

    /** Drops a node's finalizer when that node can no longer do its cleanup (it is gone). */
    void removeFinalizer(VirtualMachine vm, String finalizer) {
        if (!vm.getMetadata().getFinalizers().contains(finalizer)) {
            return;
        }
        VirtualMachine copy = Serialization.clone(vm);
        copy.getMetadata().setFinalizers(new ArrayList<>(vm.getMetadata().getFinalizers()));
        copy.getMetadata().getFinalizers().remove(finalizer);
        copy.setStatus(null);
        client.resource(copy).update();
    }
}
