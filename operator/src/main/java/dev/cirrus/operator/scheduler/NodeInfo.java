package dev.cirrus.operator.scheduler;

import java.util.Map;

/** What the scheduler knows of a node: its labels, health and what VMs may use on it. */
public record NodeInfo(String name, Map<String, String> labels, boolean ready, boolean unschedulable,
        int allocatableCpu, long allocatableMemoryMib) {
}
