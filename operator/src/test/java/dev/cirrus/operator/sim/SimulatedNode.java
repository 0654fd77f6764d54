package dev.cirrus.operator.sim;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import dev.cirrus.api.CirrusApi;
import dev.cirrus.api.ConditionTypes;
import dev.cirrus.api.v1alpha1.Hypervisor;
import dev.cirrus.api.v1alpha1.HypervisorStatus;
import dev.cirrus.api.v1alpha1.RunStrategy;
import dev.cirrus.api.v1alpha1.VirtualMachine;
import dev.cirrus.api.v1alpha1.VirtualMachineStatus;
import dev.cirrus.api.v1alpha1.VmPhase;
import dev.cirrus.api.Conditions;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.Serialization;

/**
 * Plays the node side of the status contract without a host (in the spirit of KubeVirt's KWOK
 * lane): registers a Hypervisor with the given capacity and heart-beats it, takes the VMs labelled
 * for it (finalizer), reports them Running (or Stopped when their run strategy says so), and
 * releases them on delete. {@link #stopBeating()} simulates a node that died.
 */
public final class SimulatedNode implements AutoCloseable {
    private static final java.util.concurrent.ExecutorService WORKERS = Executors.newFixedThreadPool(16, r -> {
        Thread t = new Thread(r, "sim-worker");
        t.setDaemon(true);
        return t;
    });

    private final KubernetesClient client;
    private final String name;
    private final ScheduledExecutorService beats;
    private final AtomicLong writes = new AtomicLong();
    private SharedIndexInformer<VirtualMachine> informer;

    public SimulatedNode(KubernetesClient client, String name, int cpu, String memory, Map<String, String> labels, Duration beatEvery) {
        this.client = client;
        this.name = name;
        Hypervisor hypervisor = new Hypervisor();
        hypervisor.getMetadata().setName(name);
        hypervisor.getMetadata().setLabels(labels);
        client.resource(hypervisor).serverSideApply();
        HypervisorStatus status = new HypervisorStatus();
        status.capacity = resources(cpu, memory);
        status.allocatable = resources(cpu, memory);
        status.backend = dev.cirrus.api.v1alpha1.Backend.LINUX;
        status.underlayIP = "192.0.2." + (Math.abs(name.hashCode()) % 250 + 1);
        this.beats = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "sim-" + name));
        beats.scheduleAtFixedRate(() -> beat(status), 0, beatEvery.toMillis(), TimeUnit.MILLISECONDS);
    }

    public SimulatedNode start() {
        informer = client.resources(VirtualMachine.class).inAnyNamespace().withLabel(CirrusApi.NODE_LABEL, name)
                .inform(new ResourceEventHandler<>() {
                    @Override
                    public void onAdd(VirtualMachine vm) {
                        act(vm);
                    }

                    @Override
                    public void onUpdate(VirtualMachine old, VirtualMachine vm) {
                        act(vm);
                    }

                    @Override
                    public void onDelete(VirtualMachine vm, boolean unknown) {
                    }
                });
        return this;
    }

    private static HypervisorStatus.Resources resources(int cpu, String memory) {
        HypervisorStatus.Resources r = new HypervisorStatus.Resources();
        r.cpu = cpu;
        r.memory = memory;
        return r;
    }

    private void beat(HypervisorStatus status) {
        for (int attempt = 0; attempt < 5; attempt++) {
            try {
                status.lastHeartbeatTime = Instant.now().toString();
                Hypervisor current = client.resources(Hypervisor.class).withName(name).get();
                List<io.fabric8.kubernetes.api.model.Condition> previous = current.getStatus() == null ? List.of() : current.getStatus().conditions;
                status.conditions = Conditions.set(previous, ConditionTypes.READY, true, "Heartbeat", "simulated node is beating", 1);
                current.setStatus(status);
                client.resource(current).updateStatus();
                return;
            } catch (KubernetesClientException e) {
                // A conflict with the operator's write: read again and retry.
            }
        }
    }

    /** True once the node's Hypervisor reports Ready (its first heartbeat landed). */
    public boolean ready() {
        Hypervisor h = client.resources(Hypervisor.class).withName(name).get();
        return h != null && h.getStatus() != null && Conditions.isTrue(h.getStatus().conditions, ConditionTypes.READY);
    }

    /** The node "dies": no more heartbeats, no more reactions. */
    public void stopBeating() {
        beats.shutdownNow();
        if (informer != null) {
            informer.stop();
        }
    }

    /**
     * Reacts to one VM labelled for this node (callers with their own informer use this). Work runs
     * off the informer thread, always on the latest copy, retried on conflicts, as a real daemon.
     */
    public void act(VirtualMachine vm) {
        String namespace = vm.getMetadata().getNamespace();
        String vmName = vm.getMetadata().getName();
        WORKERS.submit(() -> {
            VirtualMachine latest = vm;
            for (int attempt = 0; attempt < 5; attempt++) {
                if (attempt > 0) {
                    latest = client.resources(VirtualMachine.class).inNamespace(namespace).withName(vmName).get();
                }
                if (latest == null || !name.equals(labelOf(latest))) {
                    return;
                }
                try {
                    actOn(latest);
                    return;
                } catch (KubernetesClientException e) {
                    // Conflict with another writer: read again and retry.
                }
            }
        });
    }

    private static String labelOf(VirtualMachine vm) {
        return vm.getMetadata().getLabels() == null ? null : vm.getMetadata().getLabels().get(CirrusApi.NODE_LABEL);
    }

    private void actOn(VirtualMachine vm) {
        {
            if (vm.getMetadata().getDeletionTimestamp() != null) {
                release(vm);
            } else if (!vm.getMetadata().getFinalizers().contains(CirrusApi.NODE_CLEANUP_FINALIZER)) {
                VirtualMachine copy = Serialization.clone(vm);
                List<String> finalizers = new ArrayList<>(vm.getMetadata().getFinalizers());
                finalizers.add(CirrusApi.NODE_CLEANUP_FINALIZER);
                copy.getMetadata().setFinalizers(finalizers);
                client.resource(copy).update();
                writes.incrementAndGet();
            } else {
                report(vm);
            }
        }
    }

    private void report(VirtualMachine vm) {
        VirtualMachineStatus status = Optional.ofNullable(vm.getStatus()).orElseGet(VirtualMachineStatus::new);
        if (!name.equals(status.nodeName) || status.interfaces == null) {
            return;
        }
        boolean run = switch (Optional.ofNullable(vm.getSpec().runStrategy).orElse(RunStrategy.Always)) {
            case Always, RerunOnFailure -> true;
            case Halted -> false;
            case Manual -> Boolean.TRUE.equals(vm.getSpec().running);
        };
        VirtualMachineStatus next = Serialization.clone(status);
        long generation = vm.getMetadata().getGeneration();
        next.phase = run ? VmPhase.Running : VmPhase.Stopped;
        next.conditions = Conditions.set(next.conditions, ConditionTypes.DOMAIN_RUNNING, run, run ? "Running" : "Stopped", "", generation);
        next.conditions = Conditions.set(next.conditions, ConditionTypes.NETWORK_READY, true, "Programmed", "", generation);
        next.conditions = Conditions.set(next.conditions, ConditionTypes.READY, true, run ? "Running" : "Stopped",
                run ? "running on " + name : "stopped as requested", generation);
        if (next.domainId == null) {
            next.domainId = UUID.nameUUIDFromBytes(vm.getMetadata().getUid().getBytes()).toString();
        }
        if (run && status.phase != VmPhase.Running) {
            next.bootTime = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        }
        if (Serialization.asJson(next).equals(Serialization.asJson(status))) {
            return;
        }
        VirtualMachine copy = Serialization.clone(vm);
        copy.setStatus(next);
        client.resource(copy).updateStatus();
        writes.incrementAndGet();
    }

    private void release(VirtualMachine vm) {
        if (!vm.getMetadata().getFinalizers().contains(CirrusApi.NODE_CLEANUP_FINALIZER)) {
            return;
        }
        VirtualMachine copy = Serialization.clone(vm);
        List<String> finalizers = new ArrayList<>(vm.getMetadata().getFinalizers());
        finalizers.remove(CirrusApi.NODE_CLEANUP_FINALIZER);
        copy.getMetadata().setFinalizers(finalizers);
        client.resource(copy).update();
        writes.incrementAndGet();
    }

    public String name() {
        return name;
    }

    /** API writes this node made for VMs (for the benchmark's writes-per-VM figure). */
    public long vmWrites() {
        return writes.get();
    }

    @Override
    public void close() {
        stopBeating();
        try {
            client.resources(Hypervisor.class).withName(name).delete();
        } catch (KubernetesClientException e) {
            // Already gone.
        }
    }
}
