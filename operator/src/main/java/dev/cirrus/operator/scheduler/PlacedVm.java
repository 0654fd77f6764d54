package dev.cirrus.operator.scheduler;

import java.util.Map;

/** A VM already placed on a node (or being placed), with what it takes there. */
public record PlacedVm(String namespace, String name, Map<String, String> labels, String node, int cpu, long memoryMib) {
}
