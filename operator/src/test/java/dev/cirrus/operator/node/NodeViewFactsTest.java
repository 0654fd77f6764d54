package dev.cirrus.operator.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import dev.cirrus.api.ConditionTypes;
import dev.cirrus.api.Conditions;
import dev.cirrus.api.v1alpha1.Hypervisor;
import dev.cirrus.api.v1alpha1.HypervisorSpec;
import dev.cirrus.api.v1alpha1.HypervisorStatus;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.Test;

/** Which node updates concern the VMs (and so reach the VM reconciler) and which do not. */
class NodeViewFactsTest {
    private final Hypervisor node = node();

    @Test
    void aHeartbeatOrAChangedVmCountConcernsNoVm() {
        Hypervisor beat = Serialization.clone(node);
        beat.getStatus().lastHeartbeatTime = "2026-01-01T00:00:10Z";
        beat.getStatus().vms = 7;
        assertThat(NodeView.sameFacts(node, beat)).isTrue();
    }

    @Test
    void readinessLabelsCordonAndAllocatableConcernTheVms() {
        Hypervisor notReady = Serialization.clone(node);
        notReady.getStatus().conditions = Conditions.set(notReady.getStatus().conditions, ConditionTypes.READY, false, "HeartbeatMissed", "", 1);
        Hypervisor relabelled = Serialization.clone(node);
        relabelled.getMetadata().setLabels(Map.of("pool", "b"));
        Hypervisor cordoned = Serialization.clone(node);
        cordoned.getSpec().unschedulable = true;
        Hypervisor smaller = Serialization.clone(node);
        smaller.getStatus().allocatable.cpu = 2;

        assertThat(NodeView.sameFacts(node, notReady)).isFalse();
        assertThat(NodeView.sameFacts(node, relabelled)).isFalse();
        assertThat(NodeView.sameFacts(node, cordoned)).isFalse();
        assertThat(NodeView.sameFacts(node, smaller)).isFalse();
    }

    private static Hypervisor node() {
        Hypervisor h = new Hypervisor();
        h.getMetadata().setName("n1");
        h.getMetadata().setLabels(Map.of("pool", "a"));
        h.setSpec(new HypervisorSpec());
        HypervisorStatus status = new HypervisorStatus();
        status.allocatable = new HypervisorStatus.Resources();
        status.allocatable.cpu = 8;
        status.allocatable.memory = "16Gi";
        status.lastHeartbeatTime = "2026-01-01T00:00:00Z";
        status.conditions = Conditions.set(null, ConditionTypes.READY, true, "Heartbeat", "", 1);
        h.setStatus(status);
        return h;
    }
}
