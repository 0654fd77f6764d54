package dev.cirrus.operator.node;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import jakarta.inject.Inject;

import dev.cirrus.api.ConditionTypes;
import dev.cirrus.api.v1alpha1.Hypervisor;
import dev.cirrus.api.v1alpha1.HypervisorStatus;
import dev.cirrus.api.Conditions;
import dev.cirrus.operator.status.StatusPatch;
import dev.cirrus.operator.status.TransitionEvents;
import dev.cirrus.operator.metrics.OperatorMetrics;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The node registry: node daemons create and heartbeat their Hypervisor; this marks a node
 * {@code Ready=False} once it missed the configured number of heartbeats.
 */
// Heartbeats change only status, never the generation: every event must reach the reconciler.
@ControllerConfiguration(name = "hypervisor", generationAwareEventProcessing = false)
public class HypervisorReconciler implements Reconciler<Hypervisor> {
    private final HeartbeatPolicy policy;
    private final TransitionEvents events;
    private final OperatorMetrics metrics;

    @Inject
    public HypervisorReconciler(
            @ConfigProperty(name = "cirrus.node.heartbeat-interval", defaultValue = "10s") Duration interval,
            @ConfigProperty(name = "cirrus.node.missed-heartbeats", defaultValue = "3") int missed,
            TransitionEvents events, OperatorMetrics metrics) {
        this.policy = new HeartbeatPolicy(interval, missed);
        this.events = events;
        this.metrics = metrics;
    }

    @Override
    public UpdateControl<Hypervisor> reconcile(Hypervisor node, Context<Hypervisor> context) {
        return metrics.timeReconcile("Hypervisor", () -> decide(node));
    }

    private UpdateControl<Hypervisor> decide(Hypervisor node) {
        HypervisorStatus status = Optional.ofNullable(node.getStatus()).orElseGet(HypervisorStatus::new);
        Optional<Duration> remaining = policy.remaining(status.lastHeartbeatTime, Instant.now());
        if (remaining.isPresent()) {
            // The daemon owns Ready while it beats; look again when the next beat is due.
            return UpdateControl.<Hypervisor>noUpdate().rescheduleAfter(remaining.get());
        }
        String message = status.lastHeartbeatTime == null ? "the node daemon has not reported yet"
                : "no heartbeat since " + status.lastHeartbeatTime + " (" + policy.missed() + " missed, interval "
                        + policy.interval().toSeconds() + "s)";
        HypervisorStatus next = copyOf(status);
        next.conditions = Conditions.set(status.conditions, ConditionTypes.READY, false, "HeartbeatMissed", message,
                node.getMetadata().getGeneration());
        events.record(node, status.conditions, next.conditions);
        return StatusPatch.ifChanged(node, status, next, Hypervisor::new).rescheduleAfter(policy.interval());
    }

    private static HypervisorStatus copyOf(HypervisorStatus status) {
        return io.fabric8.kubernetes.client.utils.Serialization.clone(status);
    }
}
