package dev.cirrus.operator.vm;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import jakarta.inject.Inject;

import dev.cirrus.api.CirrusApi;
import dev.cirrus.api.ConditionTypes;
import dev.cirrus.api.v1alpha1.ExternalNetwork;
import dev.cirrus.api.v1alpha1.Hypervisor;
import dev.cirrus.api.v1alpha1.Image;
import dev.cirrus.api.v1alpha1.OverlayNetwork;
import dev.cirrus.api.v1alpha1.RunStrategy;
import dev.cirrus.api.v1alpha1.VirtualMachine;
import dev.cirrus.api.v1alpha1.VirtualMachineStatus;
import dev.cirrus.api.v1alpha1.VmPhase;
import dev.cirrus.operator.external.ExternalAddressBook;
import dev.cirrus.operator.external.RecordedAddresses;
import dev.cirrus.operator.node.NodeView;
import dev.cirrus.api.Conditions;
import dev.cirrus.operator.status.Informers;
import dev.cirrus.operator.status.TransitionEvents;
import dev.cirrus.operator.metrics.OperatorMetrics;
import dev.cirrus.operator.status.Verdict;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.IndexerResourceCache;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * A VM's cluster-level life, as steps: check its references, wait for its networks, place it and
 * give it addresses (stored in status first), then label it for its node. On delete, wait for the
 * node to clean up (or for the node to be gone) before the addresses are free again.
 *
 * <p>The reconciler sees every event, deletes included, and owns the VM's only finalizer itself: the
 * node's cleanup finalizer, put on together with the node label in one write once the VM is placed
 * (a VM never placed holds nothing and goes at once). This saves the framework's own finalizer
 * write and the node's claim write on every VM.
 */
@ControllerConfiguration(name = "virtualmachine", triggerReconcilerOnAllEvents = true)
public class VirtualMachineReconciler implements Reconciler<VirtualMachine> {
    static final String BY_NETWORK = "vm-by-network";
    static final String BY_IMAGE = "vm-by-image";
    static final String BY_NODE = "vm-by-node";
    static final String WANTS_EXTERNAL = "vm-wants-external";
    private static final String UNPLACED = "";
    private static final Duration CONFLICT_RETRY = Duration.ofMillis(50);
    private static final Duration RETRY = Duration.ofSeconds(10);

    private final VmLedger ledger = new VmLedger();
    private final VmExternalAddresses externals;
    private final Duration nodeLossGrace;
    private final VmWrites writes;
    private final OperatorMetrics metrics;

    @Inject
    public VirtualMachineReconciler(@ConfigProperty(name = "cirrus.vm.node-loss-grace", defaultValue = "60s") Duration nodeLossGrace,
            KubernetesClient client, ExternalAddressBook book, TransitionEvents events, OperatorMetrics metrics) {
        this.nodeLossGrace = nodeLossGrace;
        this.externals = new VmExternalAddresses(book);
        this.metrics = metrics;
        this.writes = new VmWrites(client, events, metrics);
    }

    @Override
    public List<EventSource<?, VirtualMachine>> prepareEventSources(EventSourceContext<VirtualMachine> context) {
        IndexerResourceCache<VirtualMachine> vms = context.getPrimaryCache();
        vms.addIndexer(BY_NETWORK, vm -> keys(vm, VmReferences.networkNames(vm.getSpec())));
        vms.addIndexer(BY_IMAGE, vm -> keys(vm, VmReferences.imageNames(vm.getSpec())));
        vms.addIndexer(BY_NODE, vm -> List.of(vm.getStatus() == null || vm.getStatus().nodeName == null ? UNPLACED : vm.getStatus().nodeName));
        vms.addIndexer(WANTS_EXTERNAL, vm -> VmExternalAddresses.wantsExternal(vm) ? List.of(WANTS_EXTERNAL) : List.of());
        return List.of(
                new InformerEventSource<>(InformerEventSourceConfiguration.from(OverlayNetwork.class, VirtualMachine.class)
                        .withOnUpdateFilter((newer, older) -> ReferenceChanges.networkConcernsVms(older, newer))
                        .withSecondaryToPrimaryMapper(n -> ids(vms.byIndex(BY_NETWORK, key(n))))
                        .build(), context),
                new InformerEventSource<>(InformerEventSourceConfiguration.from(Image.class, VirtualMachine.class)
                        .withOnUpdateFilter((newer, older) -> ReferenceChanges.specChanged(older, newer))
                        .withSecondaryToPrimaryMapper(i -> ids(vms.byIndex(BY_IMAGE, key(i))))
                        .build(), context),
                // A node change concerns the VMs on it and every VM still waiting for a node; a heartbeat
                // alone concerns none (node loss is timed by the reschedule each VM asks for).
                new InformerEventSource<>(InformerEventSourceConfiguration.from(Hypervisor.class, VirtualMachine.class)
                        .withOnUpdateFilter((newer, older) -> !NodeView.sameFacts(older, newer))
                        .withSecondaryToPrimaryMapper(h -> ids(Stream.concat(vms.byIndex(BY_NODE, h.getMetadata().getName()).stream(),
                                vms.byIndex(BY_NODE, UNPLACED).stream()).toList()))
                        .build(), context),
                // An ExternalNetwork concerns the VMs asking for external addresses, when it appears,
                // changes its spec or its readiness (not on every freeAddresses update).
                new InformerEventSource<>(InformerEventSourceConfiguration.from(ExternalNetwork.class, VirtualMachine.class)
                        .withSecondaryToPrimaryMapper(e -> ids(vms.byIndex(WANTS_EXTERNAL, WANTS_EXTERNAL)))
                        .withOnUpdateFilter((old, next) -> !Objects.equals(old.getMetadata().getGeneration(), next.getMetadata().getGeneration())
                                || !readiness(old).equals(readiness(next)))
                        .build(), context));
    }

    private static String readiness(ExternalNetwork network) {
        return network.getStatus() == null ? "" : Conditions.find(network.getStatus().conditions, ConditionTypes.READY)
                .map(c -> c.getStatus()).orElse("");
    }

    @Override
    public UpdateControl<VirtualMachine> reconcile(VirtualMachine vm, Context<VirtualMachine> context) {
        if (context.isPrimaryResourceDeleted()) {
            forget(vm);
            return UpdateControl.noUpdate();
        }
        return metrics.timeReconcile("VirtualMachine", () -> {
            try {
                return vm.isMarkedForDeletion() ? cleanup(vm, context) : decide(vm, context);
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409) {
                    throw e;
                }
                // Another writer (the node) got in first. Its status-only write brings no event to this
                // generation-aware controller, so look again at once with the fresh copy.
                return UpdateControl.<VirtualMachine>noUpdate().rescheduleAfter(CONFLICT_RETRY);
            }
        });
    }

    private UpdateControl<VirtualMachine> decide(VirtualMachine vm, Context<VirtualMachine> context) {
        VirtualMachineStatus previous = Optional.ofNullable(vm.getStatus()).orElseGet(VirtualMachineStatus::new);
        VirtualMachineStatus next = Serialization.clone(previous);
        next.observedGeneration = vm.getMetadata().getGeneration();

        Verdict references = checkReferences(vm, context);
        setCondition(next, ConditionTypes.VALID, references);
        if (!references.ok()) {
            return waiting(vm, context, next, VmPhase.Pending, references, Optional.empty());
        }
        Verdict networks = networksReady(vm, context);
        if (!networks.ok()) {
            return waiting(vm, context, next, VmPhase.Pending, networks, Optional.empty());
        }

        VmExternalAddresses.Outcome external = externals.allocate(vm, networksOf(vm, context),
                Informers.all(context, ExternalNetwork.class).collect(Collectors.toMap(e -> e.getMetadata().getName(), Function.identity(), (a, b) -> a)),
                () -> RecordedAddresses.of(Informers.all(context, ExternalNetwork.class).toList(), context.getPrimaryCache().list().toList()));
        if (!external.ok()) {
            metrics.allocationFailure(external.failure().reason());
            return waiting(vm, context, next, VmPhase.Pending, external.failure(), Optional.of(RETRY));
        }

        NodeView nodes = NodeView.of(Informers.all(context, Hypervisor.class).toList(), nodeLossGrace, Instant.now());
        if (stranded(vm, nodes)) {
            return waiting(vm, context, next, VmPhase.Failed, Verdict.fail("NodeLost", "node " + previous.nodeName
                    + " is lost and runStrategy Manual does not move VMs"), nodes.nextLoss());
        }
        VmLedger.Decision decision = ledger.decide(vm, () -> context.getPrimaryCache().list().toList(), networksOf(vm, context),
                nodes.nodes(), movable(vm) ? nodes.lost() : Set.of());
        if (!decision.addressed()) {
            metrics.allocationFailure(decision.failureReason());
            return waiting(vm, context, next, VmPhase.Pending, Verdict.fail(decision.failureReason(), decision.failureMessage()), Optional.of(RETRY));
        }
        if (decision.node().isEmpty()) {
            metrics.allocationFailure("Unschedulable");
            setCondition(next, ConditionTypes.SCHEDULED, Verdict.fail("Unschedulable", decision.scheduleMessage()));
            // Freed capacity (a deleted VM) brings no node event: look again after a while.
            return waiting(vm, context, next, VmPhase.Scheduling, Verdict.fail("Unschedulable", decision.scheduleMessage()),
                    Optional.of(nodes.nextLoss().filter(d -> d.compareTo(RETRY) < 0).orElse(RETRY)));
        }

        place(next, previous, decision);
        VmExternalAddresses.apply(next.interfaces, external.addresses());
        VirtualMachine stored = writes.status(vm, next, context);
        writes.claimForNode(stored, decision.node().get(), context);
        return reschedule(nodes.nextLoss());
    }

    /** Records the decision; a VM moving to another node starts there afresh (node-owned fields reset). */
    private void place(VirtualMachineStatus next, VirtualMachineStatus previous, VmLedger.Decision decision) {
        String node = decision.node().get();
        boolean moved = previous.nodeName != null && !previous.nodeName.equals(node);
        next.nodeName = node;
        next.interfaces = withNodeFields(decision.interfaces(), moved ? List.of() : previous.interfaces);
        setCondition(next, ConditionTypes.SCHEDULED, Verdict.ok("Scheduled", decision.scheduleMessage()));
        boolean nodeReported = !moved && Conditions.find(previous.conditions, ConditionTypes.DOMAIN_RUNNING).isPresent();
        if (moved) {
            next.domainId = null;
            next.bootTime = null;
            next.vncDisplay = null;
            next.consoleLog = null;
            next.conditions = next.conditions.stream()
                    .filter(c -> !Set.of(ConditionTypes.DOMAIN_RUNNING, ConditionTypes.NETWORK_READY, ConditionTypes.IMAGE_READY).contains(c.getType()))
                    .toList();
        }
        if (!nodeReported) {
            next.phase = VmPhase.Provisioning;
            setCondition(next, ConditionTypes.READY, Verdict.fail("Provisioning", "waiting for node " + node + " to start the VM"));
        }
    }

    /** Keeps what the node reported per interface (tap, link state) next to the operator's addresses. */
    private static List<VirtualMachineStatus.InterfaceStatus> withNodeFields(List<VirtualMachineStatus.InterfaceStatus> decided,
            List<VirtualMachineStatus.InterfaceStatus> previous) {
        Map<String, VirtualMachineStatus.InterfaceStatus> reported = Optional.ofNullable(previous).orElse(List.of()).stream()
                .collect(Collectors.toMap(i -> i.name + "/" + i.network, Function.identity(), (a, b) -> a));
        for (VirtualMachineStatus.InterfaceStatus nic : decided) {
            VirtualMachineStatus.InterfaceStatus old = reported.get(nic.name + "/" + nic.network);
            if (old != null) {
                nic.tap = old.tap;
                nic.linkState = old.linkState;
            }
        }
        return decided;
    }

    private UpdateControl<VirtualMachine> waiting(VirtualMachine vm, Context<VirtualMachine> context, VirtualMachineStatus next, VmPhase phase, Verdict why,
            Optional<Duration> retry) {
        next.phase = phase;
        setCondition(next, ConditionTypes.READY, why);
        writes.status(vm, next, context);
        return reschedule(retry);
    }

    private static UpdateControl<VirtualMachine> reschedule(Optional<Duration> after) {
        UpdateControl<VirtualMachine> control = UpdateControl.noUpdate();
        return after.map(control::rescheduleAfter).orElse(control);
    }

    private static void setCondition(VirtualMachineStatus status, String type, Verdict verdict) {
        status.conditions = Conditions.set(status.conditions, type, verdict.ok(), verdict.reason(), verdict.message(),
                status.observedGeneration);
    }

    /** Manual VMs follow only their user: when their node is lost they fail instead of moving. */
    private static boolean movable(VirtualMachine vm) {
        return vm.getSpec().runStrategy != RunStrategy.Manual;
    }

    private static boolean stranded(VirtualMachine vm, NodeView nodes) {
        String node = vm.getStatus() == null ? null : vm.getStatus().nodeName;
        return node != null && !movable(vm) && nodes.gone(node);
    }

    /** A deleted VM waits for its node's cleanup; when the node is gone, nobody else will do it. */
    private UpdateControl<VirtualMachine> cleanup(VirtualMachine vm, Context<VirtualMachine> context) {
        String node = vm.getStatus() == null ? null : vm.getStatus().nodeName;
        NodeView nodes = NodeView.of(Informers.all(context, Hypervisor.class).toList(), nodeLossGrace, Instant.now());
        boolean nodeCleansUp = node != null && !nodes.gone(node) && vm.hasFinalizer(CirrusApi.NODE_CLEANUP_FINALIZER);
        if (nodeCleansUp) {
            VirtualMachineStatus next = Serialization.clone(Optional.ofNullable(vm.getStatus()).orElseGet(VirtualMachineStatus::new));
            next.phase = VmPhase.Terminating;
            writes.status(vm, next, context);
        }
        // The framework's finalizer of earlier operator versions goes too, or such VMs would never go.
        writes.removeFinalizers(vm, nodeCleansUp ? Set.of(VmWrites.LEGACY_FINALIZER)
                : Set.of(VmWrites.LEGACY_FINALIZER, CirrusApi.NODE_CLEANUP_FINALIZER));
        return nodeCleansUp ? reschedule(Optional.of(nodes.nextLoss().orElse(RETRY))) : UpdateControl.noUpdate();
    }

    private void forget(VirtualMachine vm) {
        ledger.forget(vm.getMetadata().getUid());
        externals.releaseAll(vm);
        metrics.vmPhase(vm.getMetadata().getUid(), null);
    }

    private static Verdict checkReferences(VirtualMachine vm, Context<VirtualMachine> context) {
        String namespace = vm.getMetadata().getNamespace();
        Set<String> secrets = Set.of();
        var cloudInit = vm.getSpec().cloudInit;
        if (cloudInit != null && cloudInit.userDataSecretRef != null) {
            Secret secret = context.getClient().secrets().inNamespace(namespace).withName(cloudInit.userDataSecretRef.name).get();
            secrets = secret == null ? Set.of() : Set.of(secret.getMetadata().getName());
        }
        return VmReferences.check(vm.getSpec(), byName(context, OverlayNetwork.class, namespace), byName(context, Image.class, namespace), secrets);
    }

    private static Verdict networksReady(VirtualMachine vm, Context<VirtualMachine> context) {
        List<String> notReady = networksOf(vm, context).values().stream()
                .filter(n -> n.getStatus() == null || n.getStatus().vni == null || n.getStatus().gateway == null
                        || !Conditions.isTrue(n.getStatus().conditions, ConditionTypes.READY))
                .map(n -> n.getMetadata().getName()).sorted().toList();
        return notReady.isEmpty() ? Verdict.ok("NetworksReady", "networks ready")
                : Verdict.fail("NetworkNotReady", "network(s) not ready: " + String.join(", ", notReady));
    }

    /** The VM's networks keyed namespace/name. */
    private static Map<String, OverlayNetwork> networksOf(VirtualMachine vm, Context<VirtualMachine> context) {
        Set<String> names = VmReferences.networkNames(vm.getSpec());
        return byName(context, OverlayNetwork.class, vm.getMetadata().getNamespace()).values().stream()
                .filter(n -> names.contains(n.getMetadata().getName()))
                .collect(Collectors.toMap(VirtualMachineReconciler::key, Function.identity()));
    }

    private static <T extends HasMetadata> Map<String, T> byName(Context<VirtualMachine> context, Class<T> type, String namespace) {
        return Informers.all(context, type)
                .filter(r -> namespace.equals(r.getMetadata().getNamespace()))
                .collect(Collectors.toMap(r -> r.getMetadata().getName(), Function.identity(), (a, b) -> a));
    }

    private static List<String> keys(VirtualMachine vm, Set<String> names) {
        return names.stream().map(n -> vm.getMetadata().getNamespace() + "/" + n).toList();
    }

    private static String key(HasMetadata resource) {
        return resource.getMetadata().getNamespace() + "/" + resource.getMetadata().getName();
    }

    private static Set<ResourceID> ids(List<VirtualMachine> vms) {
        return vms.stream().map(ResourceID::fromResource).collect(Collectors.toSet());
    }
}
