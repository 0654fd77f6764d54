package dev.cirrus.node.agent;

import java.util.ArrayList;
import java.util.List;

import dev.cirrus.api.CirrusApi;
import dev.cirrus.api.v1alpha1.VirtualMachine;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;

/**
 * The node's claim on a VM: a finalizer added before the node builds anything for it and removed
 * once the node holds nothing of it, so the operator frees its addresses only after cleanup.
 */
final class VmFinalizers {
    private final KubernetesClient client;

    VmFinalizers(KubernetesClient client) {
        this.client = client;
    }

    void claim(VirtualMachine vm) {
        if (vm.getMetadata().getDeletionTimestamp() != null || vm.getMetadata().getFinalizers().contains(CirrusApi.NODE_CLEANUP_FINALIZER)) {
            return;
        }
        List<String> finalizers = new ArrayList<>(vm.getMetadata().getFinalizers());
        finalizers.add(CirrusApi.NODE_CLEANUP_FINALIZER);
        write(vm, finalizers);
    }

    void release(VirtualMachine vm) {
        if (!vm.getMetadata().getFinalizers().contains(CirrusApi.NODE_CLEANUP_FINALIZER)) {
            return;
        }
        List<String> finalizers = new ArrayList<>(vm.getMetadata().getFinalizers());
        finalizers.remove(CirrusApi.NODE_CLEANUP_FINALIZER);
        write(vm, finalizers);
    }

    private void write(VirtualMachine vm, List<String> finalizers) {
        VirtualMachine copy = Serialization.clone(vm);
        copy.getMetadata().setFinalizers(finalizers);
        copy.setStatus(null);
        try {
            client.resource(copy).update();
        } catch (KubernetesClientException e) {
            // A stale copy: the next resync works on the newer one.
        }
    }
}
