package dev.cirrus.operator.vm;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import dev.cirrus.api.ConditionTypes;
import dev.cirrus.api.v1alpha1.Image;
import dev.cirrus.api.v1alpha1.OverlayNetwork;
import dev.cirrus.api.v1alpha1.VirtualMachine;
import dev.cirrus.api.v1alpha1.VirtualMachineStatus;
import dev.cirrus.api.v1alpha1.VmPhase;
import dev.cirrus.operator.status.Conditions;
import dev.cirrus.operator.status.StatusPatch;
import dev.cirrus.operator.status.Verdict;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.source.IndexerResourceCache;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;

/**
 * A VM's cluster-level life: its references are checked first (clear conditions when something is
 * missing), then it waits to be scheduled. Reads as the list of steps in {@link #reconcile}.
 */
@ControllerConfiguration(name = "virtualmachine")
public class VirtualMachineReconciler implements Reconciler<VirtualMachine> {
    static final String BY_NETWORK = "vm-by-network";
    static final String BY_IMAGE = "vm-by-image";

    @Override
    public List<EventSource<?, VirtualMachine>> prepareEventSources(EventSourceContext<VirtualMachine> context) {
        IndexerResourceCache<VirtualMachine> vms = context.getPrimaryCache();
        vms.addIndexer(BY_NETWORK, vm -> keys(vm, VmReferences.networkNames(vm.getSpec())));
        vms.addIndexer(BY_IMAGE, vm -> keys(vm, VmReferences.imageNames(vm.getSpec())));
        return List.of(
                new InformerEventSource<>(InformerEventSourceConfiguration.from(OverlayNetwork.class, VirtualMachine.class)
                        .withSecondaryToPrimaryMapper(n -> usersOf(vms, BY_NETWORK, n))
                        .build(), context),
                new InformerEventSource<>(InformerEventSourceConfiguration.from(Image.class, VirtualMachine.class)
                        .withSecondaryToPrimaryMapper(i -> usersOf(vms, BY_IMAGE, i))
                        .build(), context));
    }

    private static List<String> keys(VirtualMachine vm, Set<String> names) {
        return names.stream().map(n -> vm.getMetadata().getNamespace() + "/" + n).toList();
    }

    private static Set<ResourceID> usersOf(IndexerResourceCache<VirtualMachine> vms, String index, HasMetadata used) {
        return vms.byIndex(index, used.getMetadata().getNamespace() + "/" + used.getMetadata().getName()).stream()
                .map(ResourceID::fromResource)
                .collect(Collectors.toSet());
    }

    @Override
    public UpdateControl<VirtualMachine> reconcile(VirtualMachine vm, Context<VirtualMachine> context) {
        VirtualMachineStatus previous = Optional.ofNullable(vm.getStatus()).orElseGet(VirtualMachineStatus::new);
        VirtualMachineStatus next = io.fabric8.kubernetes.client.utils.Serialization.clone(previous);
        long generation = vm.getMetadata().getGeneration();
        next.observedGeneration = generation;

        Verdict references = checkReferences(vm, context);
        next.conditions = Conditions.set(previous.conditions, ConditionTypes.VALID, references.ok(), references.reason(),
                references.message(), generation);
        if (!references.ok()) {
            next.phase = VmPhase.Pending;
            next.conditions = Conditions.set(next.conditions, ConditionTypes.READY, false, references.reason(),
                    references.message(), generation);
            return StatusPatch.ifChanged(vm, previous, next, VirtualMachine::new);
        }
        if (next.nodeName == null) {
            next.phase = VmPhase.Scheduling;
            next.conditions = Conditions.set(next.conditions, ConditionTypes.SCHEDULED, false, "NoSchedulableNode",
                    "no Ready Hypervisor can take the VM yet", generation);
            next.conditions = Conditions.set(next.conditions, ConditionTypes.READY, false, "NotScheduled",
                    "waiting to be scheduled", generation);
        }
        return StatusPatch.ifChanged(vm, previous, next, VirtualMachine::new);
    }

    private static Verdict checkReferences(VirtualMachine vm, Context<VirtualMachine> context) {
        String namespace = vm.getMetadata().getNamespace();
        Map<String, OverlayNetwork> networks = inNamespace(context.getSecondaryResourcesAsStream(OverlayNetwork.class).toList(), namespace);
        Map<String, Image> images = inNamespace(context.getSecondaryResourcesAsStream(Image.class).toList(), namespace);
        Set<String> secrets = Set.of();
        var cloudInit = vm.getSpec().cloudInit;
        if (cloudInit != null && cloudInit.userDataSecretRef != null) {
            Secret secret = context.getClient().secrets().inNamespace(namespace).withName(cloudInit.userDataSecretRef.name).get();
            secrets = secret == null ? Set.of() : Set.of(secret.getMetadata().getName());
        }
        return VmReferences.check(vm.getSpec(), networks, images, secrets);
    }

    private static <T extends HasMetadata> Map<String, T> inNamespace(List<T> resources, String namespace) {
        return resources.stream()
                .filter(r -> namespace.equals(r.getMetadata().getNamespace()))
                .collect(Collectors.toMap(r -> r.getMetadata().getName(), Function.identity(), (a, b) -> a));
    }
}
