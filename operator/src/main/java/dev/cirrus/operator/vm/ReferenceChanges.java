package dev.cirrus.operator.vm;

import java.util.Objects;

import dev.cirrus.api.ConditionTypes;
import dev.cirrus.api.Conditions;
import dev.cirrus.api.v1alpha1.OverlayNetwork;
import io.fabric8.kubernetes.api.model.HasMetadata;

/**
 * Which updates of a VM's references concern the VM. A network's status also counts its VMs, so
 * without this every VM created would re-reconcile every other VM on the same network (quadratic
 * in a burst); an image's status follows the node caches, which no VM decision reads.
 */
final class ReferenceChanges {
    private ReferenceChanges() {
    }

    /** The spec (generation), the VNI, the gateway or readiness changed. */
    static boolean networkConcernsVms(OverlayNetwork older, OverlayNetwork newer) {
        return specChanged(older, newer)
                || !Objects.equals(vni(older), vni(newer))
                || !Objects.equals(gateway(older), gateway(newer))
                || ready(older) != ready(newer);
    }

    /** VMs read an image's spec only (its format), never its status. */
    static boolean specChanged(HasMetadata older, HasMetadata newer) {
        return !Objects.equals(older.getMetadata().getGeneration(), newer.getMetadata().getGeneration());
    }

    private static Long vni(OverlayNetwork n) {
        return n.getStatus() == null ? null : n.getStatus().vni;
    }

    private static String gateway(OverlayNetwork n) {
        return n.getStatus() == null ? null : n.getStatus().gateway;
    }

    private static boolean ready(OverlayNetwork n) {
        return n.getStatus() != null && Conditions.isTrue(n.getStatus().conditions, ConditionTypes.READY);
    }
}
