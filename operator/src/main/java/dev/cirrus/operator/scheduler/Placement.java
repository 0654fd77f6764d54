package dev.cirrus.operator.scheduler;

import java.util.Optional;

/** The scheduler's answer: a node, or why no node fits (in the style of kube-scheduler). */
public record Placement(Optional<String> node, String reason) {
    public static Placement on(String node) {
        return new Placement(Optional.of(node), "placed on " + node);
    }

    public static Placement none(String reason) {
        return new Placement(Optional.empty(), reason);
    }
}
