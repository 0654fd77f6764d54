package dev.cirrus.operator.network;

import java.util.HashMap;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import dev.cirrus.api.CirrusApi;
import dev.cirrus.api.ConditionTypes;
import dev.cirrus.api.v1alpha1.ExternalNetwork;
import dev.cirrus.api.v1alpha1.VirtualMachine;
import dev.cirrus.operator.status.Informers;
import dev.cirrus.operator.status.TransitionEvents;
import dev.cirrus.operator.metrics.OperatorMetrics;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import dev.cirrus.api.v1alpha1.OverlayNetwork;
import dev.cirrus.api.v1alpha1.OverlayNetworkStatus;
import dev.cirrus.operator.ipam.Ipv4Cidr;
import dev.cirrus.api.Conditions;
import dev.cirrus.operator.status.StatusPatch;
import dev.cirrus.operator.status.Verdict;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;

/** Validates a network's addressing, allocates its VNI and reports both in status. */
@ControllerConfiguration(name = "overlaynetwork", finalizerName = CirrusApi.NETWORK_FINALIZER)
public class OverlayNetworkReconciler implements Reconciler<OverlayNetwork>, Cleaner<OverlayNetwork> {
    private static final String BY_EXTERNAL = "network-by-external-network";
    private final VniAllocator vnis = new VniAllocator();
    private final TransitionEvents events;
    private final OperatorMetrics metrics;

    public OverlayNetworkReconciler(TransitionEvents events, OperatorMetrics metrics) {
        this.events = events;
        this.metrics = metrics;
    }

    @Override
    public UpdateControl<OverlayNetwork> reconcile(OverlayNetwork network, Context<OverlayNetwork> context) {
        return metrics.timeReconcile("OverlayNetwork", () -> decide(network, context));
    }

    private UpdateControl<OverlayNetwork> decide(OverlayNetwork network, Context<OverlayNetwork> context) {
        OverlayNetworkStatus previous = Optional.ofNullable(network.getStatus()).orElseGet(OverlayNetworkStatus::new);
        OverlayNetworkStatus next = new OverlayNetworkStatus();
        long generation = network.getMetadata().getGeneration();
        next.observedGeneration = generation;
        next.readyNodes = previous.readyNodes;
        next.attachedVMs = users(network, context).size();

        SubnetCheck.Result subnet = SubnetCheck.check(network.getSpec());
        Verdict addressing = subnet.ok() ? overlapCheck(network, context) : Verdict.fail("InvalidSubnet", subnet.error());
        next.conditions = Conditions.set(previous.conditions, ConditionTypes.VALID, addressing.ok(),
                addressing.reason(), addressing.message(), generation);
        if (subnet.ok()) {
            next.gateway = subnet.gateway().toString();
        }

        Optional<Long> vni = vnis.vniFor(network.getMetadata().getUid(), recordedVnis(context));
        next.vni = vni.orElse(null);
        Verdict ready = !addressing.ok() ? addressing
                : vni.isEmpty() ? Verdict.fail("VniExhausted", "no free VNI left in the cluster")
                : Verdict.ok("Allocated", "VNI " + vni.get() + ", gateway " + next.gateway);
        next.conditions = Conditions.set(next.conditions, ConditionTypes.READY, ready.ok(), ready.reason(),
                ready.message(), generation);
        next.conditions = routerCondition(network, next.conditions, context);
        if (vni.isEmpty()) {
            metrics.allocationFailure("VniExhausted");
        }
        events.record(network, previous.conditions, next.conditions);
        return StatusPatch.ifChanged(network, previous, next, OverlayNetwork::new);
    }

    /**
     * A router needs its ExternalNetwork: missing or not ready is reported on its own condition, not
     * on Ready, since the overlay itself works without it (only floating IPs and SNAT wait).
     */
    private static List<io.fabric8.kubernetes.api.model.Condition> routerCondition(OverlayNetwork network,
            List<io.fabric8.kubernetes.api.model.Condition> conditions, Context<OverlayNetwork> context) {
        long generation = network.getMetadata().getGeneration();
        Optional<String> external = routedTo(network);
        if (external.isEmpty()) {
            return conditions.stream().filter(c -> !ConditionTypes.ROUTER_READY.equals(c.getType())).collect(Collectors.toList());
        }
        Optional<ExternalNetwork> found = Informers.all(context, ExternalNetwork.class)
                .filter(e -> e.getMetadata().getName().equals(external.get())).findFirst();
        Verdict router = found.isEmpty()
                ? Verdict.fail("ExternalNetworkNotFound", "ExternalNetwork " + external.get() + " not found")
                : !Conditions.isTrue(found.get().getStatus() == null ? null : found.get().getStatus().conditions, ConditionTypes.READY)
                ? Verdict.fail("ExternalNetworkNotReady", "ExternalNetwork " + external.get() + " is not ready"
                        + Conditions.find(found.get().getStatus() == null ? null : found.get().getStatus().conditions, ConditionTypes.READY)
                                .map(c -> ": " + c.getMessage()).orElse(""))
                : Verdict.ok("Routed", "routed through ExternalNetwork " + external.get());
        return Conditions.set(conditions, ConditionTypes.ROUTER_READY, router.ok(), router.reason(), router.message(), generation);
    }

    private static Optional<String> routedTo(OverlayNetwork network) {
        return Optional.ofNullable(network.getSpec().router).map(r -> r.externalNetwork);
    }

    /** Within one namespace (one tenant) subnets must not overlap; the older network keeps its own. */
    private static Verdict overlapCheck(OverlayNetwork network, Context<OverlayNetwork> context) {
        Ipv4Cidr mine = Ipv4Cidr.parse(network.getSpec().cidr);
        return context.getPrimaryCache().list(n -> Objects.equals(n.getMetadata().getNamespace(), network.getMetadata().getNamespace()))
                .filter(other -> !other.getMetadata().getUid().equals(network.getMetadata().getUid()))
                .filter(other -> olderThan(other, network))
                .filter(other -> overlaps(mine, other))
                .findFirst()
                .map(other -> Verdict.fail("CIDROverlap", "cidr " + mine + " overlaps network " + other.getMetadata().getName()
                        + " (" + other.getSpec().cidr + ") in the same namespace"))
                .orElse(Verdict.ok("Valid", "addressing is valid"));
    }

    private static boolean overlaps(Ipv4Cidr mine, OverlayNetwork other) {
        try {
            return mine.overlaps(Ipv4Cidr.parse(other.getSpec().cidr));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static boolean olderThan(OverlayNetwork a, OverlayNetwork b) {
        int byTime = a.getMetadata().getCreationTimestamp().compareTo(b.getMetadata().getCreationTimestamp());
        return byTime != 0 ? byTime < 0 : a.getMetadata().getName().compareTo(b.getMetadata().getName()) < 0;
    }

    /** Names of the VMs (in the network's namespace) with an interface on the network. */
    private static List<String> users(OverlayNetwork network, Context<OverlayNetwork> context) {
        return Informers.all(context, VirtualMachine.class)
                .filter(vm -> network.getMetadata().getNamespace().equals(vm.getMetadata().getNamespace()))
                .filter(vm -> vm.getSpec().interfaces != null
                        && vm.getSpec().interfaces.stream().anyMatch(i -> network.getMetadata().getName().equals(i.network)))
                .map(vm -> vm.getMetadata().getName())
                .sorted().toList();
    }

    private static Map<String, Long> recordedVnis(Context<OverlayNetwork> context) {
        Map<String, Long> recorded = new HashMap<>();
        context.getPrimaryCache().list()
                .filter(n -> n.getStatus() != null && n.getStatus().vni != null)
                .forEach(n -> recorded.put(n.getMetadata().getUid(), n.getStatus().vni));
        return recorded;
    }

    @Override
    public List<EventSource<?, OverlayNetwork>> prepareEventSources(EventSourceContext<OverlayNetwork> context) {
        var networks = context.getPrimaryCache();
        networks.addIndexer(BY_EXTERNAL, n -> routedTo(n).map(List::of).orElse(List.of()));
        // VMs matter to a network only while it is being deleted (it waits until none uses it) and
        // for its count of them: a VM coming, going or changing its interfaces (spec), not its status.
        return List.of(new InformerEventSource<>(InformerEventSourceConfiguration.from(VirtualMachine.class, OverlayNetwork.class)
                .withOnUpdateFilter((newer, older) -> !Objects.equals(older.getMetadata().getGeneration(), newer.getMetadata().getGeneration()))
                .withSecondaryToPrimaryMapper(vm -> vm.getSpec() == null || vm.getSpec().interfaces == null ? Set.of()
                        : vm.getSpec().interfaces.stream()
                                .map(i -> new ResourceID(i.network, vm.getMetadata().getNamespace()))
                                .collect(Collectors.toSet()))
                .build(), context),
                // A router's ExternalNetwork appearing, going or changing readiness changes RouterReady.
                new InformerEventSource<>(InformerEventSourceConfiguration.from(ExternalNetwork.class, OverlayNetwork.class)
                        .withSecondaryToPrimaryMapper(e -> networks.byIndex(BY_EXTERNAL, e.getMetadata().getName()).stream()
                                .map(ResourceID::fromResource).collect(Collectors.toSet()))
                        .withOnUpdateFilter((old, next) -> !readiness(old).equals(readiness(next)))
                        .build(), context));
    }

    private static String readiness(ExternalNetwork network) {
        return network.getStatus() == null ? "" : Conditions.find(network.getStatus().conditions, ConditionTypes.READY)
                .map(c -> c.getStatus() + "/" + c.getReason() + "/" + c.getMessage()).orElse("");
    }

    /** Deletion waits while VMs use the network, and says which. */
    @Override
    public DeleteControl cleanup(OverlayNetwork network, Context<OverlayNetwork> context) {
        List<String> users = users(network, context);
        if (!users.isEmpty()) {
            OverlayNetworkStatus previous = Optional.ofNullable(network.getStatus()).orElseGet(OverlayNetworkStatus::new);
            OverlayNetworkStatus next = io.fabric8.kubernetes.client.utils.Serialization.clone(previous);
            next.conditions = Conditions.set(previous.conditions, ConditionTypes.READY, false, "InUse",
                    "deletion waits until no VM uses the network; still used by: " + String.join(", ", users),
                    network.getMetadata().getGeneration());
            next.attachedVMs = users.size();
            if (!io.fabric8.kubernetes.client.utils.Serialization.asJson(next).equals(io.fabric8.kubernetes.client.utils.Serialization.asJson(previous))) {
                OverlayNetwork copy = io.fabric8.kubernetes.client.utils.Serialization.clone(network);
                copy.setStatus(next);
                context.getClient().resource(copy).updateStatus();
            }
            return DeleteControl.noFinalizerRemoval();
        }
        vnis.forget(network.getMetadata().getUid());
        return DeleteControl.defaultDelete();
    }
}
