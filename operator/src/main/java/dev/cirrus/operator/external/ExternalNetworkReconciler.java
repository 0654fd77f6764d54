package dev.cirrus.operator.external;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import dev.cirrus.api.CirrusApi;
import dev.cirrus.api.ConditionTypes;
import dev.cirrus.api.Conditions;
import dev.cirrus.api.v1alpha1.ExternalNetwork;
import dev.cirrus.api.v1alpha1.ExternalNetworkStatus;
import dev.cirrus.api.v1alpha1.Hypervisor;
import dev.cirrus.api.v1alpha1.OverlayNetwork;
import dev.cirrus.api.v1alpha1.VirtualMachine;
import dev.cirrus.operator.ipam.Ipv4;
import dev.cirrus.operator.metrics.OperatorMetrics;
import dev.cirrus.operator.status.Informers;
import dev.cirrus.operator.status.StatusPatch;
import dev.cirrus.operator.status.TransitionEvents;
import dev.cirrus.operator.status.Verdict;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;

/**
 * Checks an ExternalNetwork's addressing and gives every registered node one address of its range
 * (the node's SNAT source), written to status before any node can use it, kept for as long as the
 * Hypervisor exists. Deletion waits while an OverlayNetwork routes through the network.
 */
@ControllerConfiguration(name = "externalnetwork", finalizerName = CirrusApi.NETWORK_FINALIZER)
public class ExternalNetworkReconciler implements Reconciler<ExternalNetwork>, Cleaner<ExternalNetwork> {
    private static final java.time.Duration IN_USE_RECHECK = java.time.Duration.ofSeconds(5);

    private final ExternalAddressBook book;
    private final TransitionEvents events;
    private final OperatorMetrics metrics;

    public ExternalNetworkReconciler(ExternalAddressBook book, TransitionEvents events, OperatorMetrics metrics) {
        this.book = book;
        this.events = events;
        this.metrics = metrics;
    }

    @Override
    public List<EventSource<?, ExternalNetwork>> prepareEventSources(EventSourceContext<ExternalNetwork> context) {
        var networks = context.getPrimaryCache();
        return List.of(
                // Node addresses follow registrations only: heartbeats are not news here.
                new InformerEventSource<>(InformerEventSourceConfiguration.from(Hypervisor.class, ExternalNetwork.class)
                        .withSecondaryToPrimaryMapper(h -> networks.list().map(ResourceID::fromResource).collect(Collectors.toSet()))
                        .withOnUpdateFilter((old, next) -> false)
                        .build(), context),
                // VMs matter for freeAddresses: only when their external addresses change.
                new InformerEventSource<>(InformerEventSourceConfiguration.from(VirtualMachine.class, ExternalNetwork.class)
                        .withSecondaryToPrimaryMapper(vm -> externalNetworksOf(vm).stream().map(ResourceID::new).collect(Collectors.toSet()))
                        .withOnUpdateFilter((old, next) -> !externalAddresses(old).equals(externalAddresses(next)))
                        .build(), context),
                // OverlayNetworks matter while an ExternalNetwork is deleted (it waits until none routes through it).
                new InformerEventSource<>(InformerEventSourceConfiguration.from(OverlayNetwork.class, ExternalNetwork.class)
                        .withSecondaryToPrimaryMapper(n -> routedTo(n).map(e -> Set.of(new ResourceID(e))).orElse(Set.of()))
                        .withOnUpdateFilter((old, next) -> !routedTo(old).equals(routedTo(next)))
                        .build(), context));
    }

    @Override
    public UpdateControl<ExternalNetwork> reconcile(ExternalNetwork network, Context<ExternalNetwork> context) {
        return metrics.timeReconcile("ExternalNetwork", () -> decide(network, context));
    }

    private UpdateControl<ExternalNetwork> decide(ExternalNetwork network, Context<ExternalNetwork> context) {
        String name = network.getMetadata().getName();
        long generation = network.getMetadata().getGeneration();
        ExternalNetworkStatus previous = Optional.ofNullable(network.getStatus()).orElseGet(ExternalNetworkStatus::new);
        ExternalNetworkStatus next = Serialization.clone(previous);
        next.observedGeneration = generation;

        ExternalRange.Checked checked = ExternalRange.check(name, network.getSpec());
        Verdict ready;
        if (!checked.ok()) {
            // Node addresses already handed out stay: nodes may be using them.
            ready = Verdict.fail("InvalidRange", checked.error());
        } else {
            ready = allocateNodeAddresses(checked.range(), network, next, context);
        }
        next.conditions = Conditions.set(previous.conditions, ConditionTypes.READY, ready.ok(), ready.reason(), ready.message(), generation);
        if (!ready.ok()) {
            metrics.allocationFailure(ready.reason());
        }
        events.record(network, previous.conditions, next.conditions);
        return StatusPatch.ifChanged(network, previous, next, ExternalNetwork::new);
    }

    /** One address per registered node, in node name order; addresses of departed nodes are freed. */
    private Verdict allocateNodeAddresses(ExternalRange range, ExternalNetwork network, ExternalNetworkStatus next,
            Context<ExternalNetwork> context) {
        String name = network.getMetadata().getName();
        Set<String> registered = Informers.all(context, Hypervisor.class).map(h -> h.getMetadata().getName())
                .collect(Collectors.toCollection(java.util.TreeSet::new));
        book.release((n, holder) -> n.equals(name) && holder.isNode() && !registered.contains(holder.node()));
        Map<Ipv4, Holder> recorded = new HashMap<>(RecordedAddresses.of(List.of(network), Informers.all(context, VirtualMachine.class).toList())
                .getOrDefault(name, Map.of()));
        recorded.values().removeIf(h -> h.isNode() && !registered.contains(h.node()));
        Map<String, String> held = Optional.ofNullable(network.getStatus()).map(s -> s.nodes).orElse(List.of()).stream()
                .filter(n -> n.node != null && n.address != null)
                .collect(Collectors.toMap(n -> n.node, n -> n.address, (a, b) -> a));

        List<ExternalNetworkStatus.NodeAddress> nodes = new ArrayList<>();
        List<String> without = new ArrayList<>();
        for (String node : registered) {
            Optional<Ipv4> previous = Optional.ofNullable(held.get(node)).flatMap(ExternalNetworkReconciler::parse);
            ExternalGrant grant = book.grant(range, Holder.node(node), Optional.empty(), previous, recorded);
            if (grant.granted()) {
                ExternalNetworkStatus.NodeAddress address = new ExternalNetworkStatus.NodeAddress();
                address.node = node;
                address.address = grant.ip().toString();
                nodes.add(address);
            } else {
                without.add(node);
            }
        }
        next.nodes = nodes;
        next.freeAddresses = (int) Math.min(Integer.MAX_VALUE, book.free(range, recorded));
        if (!without.isEmpty()) {
            return Verdict.fail(ExternalGrant.EXHAUSTED, "no free address left in " + range.start() + "-" + range.end()
                    + " for node(s) " + String.join(", ", without));
        }
        return Verdict.ok("Allocated", "cidr " + range.cidr() + ", gateway " + range.gateway() + ", allocationRange "
                + range.start() + "-" + range.end() + "; " + nodes.size() + " node address(es)");
    }

    /** Deletion waits while OverlayNetworks route through the network, and says which. */
    @Override
    public DeleteControl cleanup(ExternalNetwork network, Context<ExternalNetwork> context) {
        String name = network.getMetadata().getName();
        List<String> users = Informers.all(context, OverlayNetwork.class)
                .filter(n -> routedTo(n).filter(name::equals).isPresent())
                .map(n -> n.getMetadata().getNamespace() + "/" + n.getMetadata().getName())
                .sorted().toList();
        if (users.isEmpty()) {
            book.forget(name);
            return DeleteControl.defaultDelete();
        }
        ExternalNetworkStatus previous = Optional.ofNullable(network.getStatus()).orElseGet(ExternalNetworkStatus::new);
        ExternalNetworkStatus next = Serialization.clone(previous);
        next.conditions = Conditions.set(previous.conditions, ConditionTypes.READY, false, "InUse",
                "deletion waits until no OverlayNetwork routes through it; still used by: " + String.join(", ", users),
                network.getMetadata().getGeneration());
        if (!Serialization.asJson(next).equals(Serialization.asJson(previous))) {
            ExternalNetwork copy = Serialization.clone(network);
            copy.setStatus(next);
            context.getClient().resource(copy).updateStatus();
            events.record(network, previous.conditions, next.conditions);
        }
        // Removing a router is an update the OverlayNetwork informer cannot map back here: look again.
        return DeleteControl.noFinalizerRemoval().rescheduleAfter(IN_USE_RECHECK);
    }

    private static Optional<String> routedTo(OverlayNetwork network) {
        return Optional.ofNullable(network.getSpec()).map(s -> s.router).map(r -> r.externalNetwork);
    }

    /** A VM's external addresses as "interface=ip@network" (for change detection). */
    private static List<String> externalAddresses(VirtualMachine vm) {
        return externalInterfaces(vm).map(i -> i.name + "=" + i.externalIP + "@" + i.externalNetwork).sorted().toList();
    }

    private static Set<String> externalNetworksOf(VirtualMachine vm) {
        return externalInterfaces(vm).map(i -> i.externalNetwork).collect(Collectors.toSet());
    }

    private static java.util.stream.Stream<dev.cirrus.api.v1alpha1.VirtualMachineStatus.InterfaceStatus> externalInterfaces(VirtualMachine vm) {
        if (vm.getStatus() == null || vm.getStatus().interfaces == null) {
            return java.util.stream.Stream.empty();
        }
        return vm.getStatus().interfaces.stream().filter(i -> i.externalIP != null && i.externalNetwork != null);
    }

    private static Optional<Ipv4> parse(String address) {
        try {
            return Optional.of(Ipv4.parse(address));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
