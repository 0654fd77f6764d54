package dev.cirrus.operator.network;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import dev.cirrus.api.ConditionTypes;
import dev.cirrus.api.v1alpha1.OverlayNetwork;
import dev.cirrus.api.v1alpha1.OverlayNetworkStatus;
import dev.cirrus.operator.ipam.Ipv4Cidr;
import dev.cirrus.operator.status.Conditions;
import dev.cirrus.operator.status.StatusPatch;
import dev.cirrus.operator.status.Verdict;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;

/** Validates a network's addressing, allocates its VNI and reports both in status. */
@ControllerConfiguration(name = "overlaynetwork")
public class OverlayNetworkReconciler implements Reconciler<OverlayNetwork>, Cleaner<OverlayNetwork> {
    private final VniAllocator vnis = new VniAllocator();

    @Override
    public UpdateControl<OverlayNetwork> reconcile(OverlayNetwork network, Context<OverlayNetwork> context) {
        OverlayNetworkStatus previous = Optional.ofNullable(network.getStatus()).orElseGet(OverlayNetworkStatus::new);
        OverlayNetworkStatus next = new OverlayNetworkStatus();
        long generation = network.getMetadata().getGeneration();
        next.observedGeneration = generation;
        next.readyNodes = previous.readyNodes;
        next.attachedVMs = previous.attachedVMs;

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
        return StatusPatch.ifChanged(network, previous, next, OverlayNetwork::new);
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

    private static Map<String, Long> recordedVnis(Context<OverlayNetwork> context) {
        Map<String, Long> recorded = new HashMap<>();
        context.getPrimaryCache().list()
                .filter(n -> n.getStatus() != null && n.getStatus().vni != null)
                .forEach(n -> recorded.put(n.getMetadata().getUid(), n.getStatus().vni));
        return recorded;
    }

    @Override
    public DeleteControl cleanup(OverlayNetwork network, Context<OverlayNetwork> context) {
        vnis.forget(network.getMetadata().getUid());
        return DeleteControl.defaultDelete();
    }
}
