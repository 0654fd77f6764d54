package dev.cirrus.operator.node;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import dev.cirrus.api.ConditionTypes;
import dev.cirrus.api.v1alpha1.Hypervisor;
import dev.cirrus.operator.scheduler.NodeInfo;
import dev.cirrus.api.Conditions;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Quantity;

/**
 * The nodes as the VM controller sees them at one instant: schedulable facts, and which nodes are
 * lost (NotReady for longer than the grace period) or will be soon.
 */
public record NodeView(List<NodeInfo> nodes, Set<String> lost, Optional<Duration> nextLoss) {

    public static NodeView of(Collection<Hypervisor> hypervisors, Duration grace, Instant now) {
        List<NodeInfo> nodes = hypervisors.stream().map(NodeView::info).toList();
        Set<String> lost = hypervisors.stream().filter(h -> notReadyFor(h, now).map(d -> d.compareTo(grace) >= 0).orElse(false))
                .map(h -> h.getMetadata().getName()).collect(Collectors.toSet());
        Optional<Duration> nextLoss = hypervisors.stream()
                .map(h -> notReadyFor(h, now)).flatMap(Optional::stream)
                .filter(d -> d.compareTo(grace) < 0)
                .map(grace::minus)
                .min(Duration::compareTo);
        return new NodeView(nodes, lost, nextLoss);
    }

    /**
     * True when the two versions of a node differ in nothing a VM decision reads (readiness,
     * labels, cordon, allocatable): a heartbeat or a changed VM count then concerns no VM.
     */
    public static boolean sameFacts(Hypervisor older, Hypervisor newer) {
        return info(older).equals(info(newer));
    }

    public boolean exists(String node) {
        return nodes.stream().anyMatch(n -> n.name().equals(node));
    }

    /** A node is gone when lost or no longer registered at all. */
    public boolean gone(String node) {
        return lost.contains(node) || !exists(node);
    }

    private static Optional<Duration> notReadyFor(Hypervisor h, Instant now) {
        Optional<Condition> ready = Conditions.find(h.getStatus() == null ? null : h.getStatus().conditions, ConditionTypes.READY);
        return ready.filter(c -> "False".equals(c.getStatus()))
                .map(c -> Duration.between(Instant.parse(c.getLastTransitionTime()), now));
    }

    private static NodeInfo info(Hypervisor h) {
        var status = h.getStatus();
        boolean ready = status != null && Conditions.isTrue(status.conditions, ConditionTypes.READY);
        int cpu = status == null || status.allocatable == null || status.allocatable.cpu == null ? 0 : status.allocatable.cpu;
        long memory = status == null || status.allocatable == null || status.allocatable.memory == null ? 0
                : Quantity.getAmountInBytes(new Quantity(status.allocatable.memory))
                        .divide(BigDecimal.valueOf(1024L * 1024L), RoundingMode.FLOOR).longValue();
        boolean cordoned = h.getSpec() != null && Boolean.TRUE.equals(h.getSpec().unschedulable);
        Map<String, String> labels = Optional.ofNullable(h.getMetadata().getLabels()).orElse(Map.of());
        return new NodeInfo(h.getMetadata().getName(), labels, ready, cordoned, cpu, memory);
    }
}
