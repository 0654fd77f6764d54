package dev.cirrus.operator.scheduler;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a VM asks of a node. Affinity terms are label selectors on VMs of the same namespace, at
 * node granularity: {@code affinity} terms must each match a VM on the node, {@code antiAffinity}
 * terms none. {@code excludedNodes} are nodes the VM must leave (a lost node).
 */
public record VmRequest(String namespace, String name, Map<String, String> labels, int cpu, long memoryMib,
        Map<String, String> nodeSelector, List<Map<String, String>> affinity, List<Map<String, String>> antiAffinity,
        Set<String> excludedNodes) {
}
