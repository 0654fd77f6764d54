package dev.cirrus.node.compute;

import java.util.Objects;

import dev.cirrus.api.v1alpha1.RunStrategy;

/**
 * The inputs of {@link RunStrategyDecision}.
 *
 * @param strategy            spec.runStrategy; null means Always, the schema's default
 * @param running             spec.running, read only under Manual (null = stop)
 * @param state               the domain as observed
 * @param restartRequested    the restart annotation differs from the value last handled
 * @param gracefulStopOverdue a graceful stop was sent longer than the grace period ago and the
 *                            guest still runs (the caller owns the clock)
 */
public record RunInputs(RunStrategy strategy, Boolean running, DomainState state, boolean restartRequested,
                        boolean gracefulStopOverdue) {
    public RunInputs {
        strategy = strategy == null ? RunStrategy.Always : strategy;
        Objects.requireNonNull(state, "state");
    }

    public static RunInputs of(RunStrategy strategy, Boolean running, DomainState state, boolean restartRequested) {
        return new RunInputs(strategy, running, state, restartRequested, false);
    }
}
