package dev.cirrus.node.network;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

class PlanRunTest {
    private record Step(String owner, String describe, boolean fails) implements PlannedStep {
    }

    private final List<String> ran = new ArrayList<>();

    private void run(Step step) {
        ran.add(step.describe());
        if (step.fails()) {
            throw new IllegalStateException("boom");
        }
    }

    @Test
    void aFailedStepStopsItsOwnerOnlyAndGarbageCollectionGoesOn() {
        PlanRun run = PlanRun.execute(List.of(
                new Step("a", "a1", true), new Step("a", "a2", false), new Step("b", "b1", false),
                new Step(Action.GC, "gc1", true), new Step(Action.GC, "gc2", false)), this::run, Set.of());
        assertThat(ran).containsExactly("a1", "b1", "gc1", "gc2");
        assertThat(run.applied()).containsExactly("b1", "gc2");
        assertThat(run.failures()).containsOnlyKeys("a", Action.GC).containsEntry("a", "a1 failed: boom");
        assertThat(run.failed()).containsExactly("a: a1 failed: boom", "gc: gc1 failed: boom");
    }

    @Test
    void aFailedGateStopsEverythingAfterIt() {
        PlanRun run = PlanRun.execute(List.of(
                new Step("b", "b1", false), new Step(OvsAction.NODE, "bridge", true), new Step("b", "b2", false)),
                this::run, Set.of(OvsAction.NODE));
        assertThat(ran).containsExactly("b1", "bridge");
        assertThat(run.failures()).containsOnlyKeys(OvsAction.NODE);
    }
}
