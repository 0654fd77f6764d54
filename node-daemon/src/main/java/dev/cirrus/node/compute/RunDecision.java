package dev.cirrus.node.compute;

import java.util.Objects;

import dev.cirrus.api.v1alpha1.VmPhase;

/** What to do to the domain, and the phase to report while (or after) doing it. */
public record RunDecision(RunAction action, VmPhase phase) {
    public RunDecision {
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(phase, "phase");
    }
}
