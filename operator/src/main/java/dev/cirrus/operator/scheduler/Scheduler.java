package dev.cirrus.operator.scheduler;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Places a VM: filters nodes (ready, not cordoned, node selector, capacity, VM affinity and
 * anti-affinity), then spreads by picking the node with the most memory left after placement.
 * Pure: the caller passes every node and every placed VM.
 */
public final class Scheduler {
    private Scheduler() {
    }

    public static Placement schedule(VmRequest vm, List<NodeInfo> nodes, List<PlacedVm> placed) {
        if (nodes.isEmpty()) {
            return Placement.none("0/0 nodes are available: no Hypervisor is registered");
        }
        Map<String, Integer> rejections = new TreeMap<>();
        NodeInfo best = null;
        long bestFree = Long.MIN_VALUE;
        for (NodeInfo node : nodes.stream().sorted(Comparator.comparing(NodeInfo::name)).toList()) {
            List<PlacedVm> onNode = placed.stream().filter(p -> node.name().equals(p.node())
                    && !(p.namespace().equals(vm.namespace()) && p.name().equals(vm.name()))).toList();
            Optional<String> rejection = reject(vm, node, onNode, placed);
            if (rejection.isPresent()) {
                rejections.merge(rejection.get(), 1, Integer::sum);
                continue;
            }
            long free = node.allocatableMemoryMib() - onNode.stream().mapToLong(PlacedVm::memoryMib).sum() - vm.memoryMib();
            if (free > bestFree) {
                best = node;
                bestFree = free;
            }
        }
        if (best != null) {
            return Placement.on(best.name());
        }
        return Placement.none("0/" + nodes.size() + " nodes are available: " + rejections.entrySet().stream()
                .map(e -> e.getValue() + " " + e.getKey())
                .collect(Collectors.joining(", ")));
    }

    private static Optional<String> reject(VmRequest vm, NodeInfo node, List<PlacedVm> onNode, List<PlacedVm> all) {
        if (vm.excludedNodes().contains(node.name())) {
            return Optional.of("lost");
        }
        if (!node.ready()) {
            return Optional.of("not ready");
        }
        if (node.unschedulable()) {
            return Optional.of("unschedulable");
        }
        if (!matches(vm.nodeSelector(), node.labels())) {
            return Optional.of("not matching nodeSelector");
        }
        if (onNode.stream().mapToInt(PlacedVm::cpu).sum() + vm.cpu() > node.allocatableCpu()) {
            return Optional.of("insufficient cpu");
        }
        if (onNode.stream().mapToLong(PlacedVm::memoryMib).sum() + vm.memoryMib() > node.allocatableMemoryMib()) {
            return Optional.of("insufficient memory");
        }
        List<PlacedVm> sameNamespace = onNode.stream().filter(p -> p.namespace().equals(vm.namespace())).toList();
        boolean antiAffinityHit = vm.antiAffinity().stream()
                .anyMatch(term -> sameNamespace.stream().anyMatch(p -> matches(term, p.labels())));
        if (antiAffinityHit) {
            return Optional.of("violating VM anti-affinity");
        }
        for (Map<String, String> term : vm.affinity()) {
            boolean onThisNode = sameNamespace.stream().anyMatch(p -> matches(term, p.labels()));
            // As in Kubernetes: the first VM of a group that matches its own term may go anywhere.
            boolean anywhere = all.stream().anyMatch(p -> p.namespace().equals(vm.namespace())
                    && !p.name().equals(vm.name()) && matches(term, p.labels()));
            if (!onThisNode && (anywhere || !matches(term, vm.labels()))) {
                return Optional.of("not matching VM affinity");
            }
        }
        return Optional.empty();
    }

    private static boolean matches(Map<String, String> selector, Map<String, String> labels) {
        return selector.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
    }
}
