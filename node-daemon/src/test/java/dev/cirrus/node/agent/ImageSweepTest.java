package dev.cirrus.node.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

class ImageSweepTest {
    private static final Instant T0 = Instant.parse("2026-11-27T06:00:00Z");
    private static final Duration GRACE = Duration.ofMinutes(10);

    @Test
    void anUnusedArtifactGoesOnlyAfterTheWholeGracePeriod() {
        ImageSweep.Plan first = ImageSweep.plan(List.of("aa"), Set.of(), Set.of(), Map.of(), T0, GRACE);
        assertThat(first.files()).isEmpty();
        ImageSweep.Plan early = ImageSweep.plan(List.of("aa"), Set.of(), Set.of(), first.firstSeen(), T0.plus(GRACE).minusSeconds(1), GRACE);
        assertThat(early.files()).isEmpty();
        ImageSweep.Plan due = ImageSweep.plan(List.of("aa"), Set.of(), Set.of(), early.firstSeen(), T0.plus(GRACE), GRACE);
        assertThat(due.files()).containsExactly("aa");
        assertThat(due.firstSeen()).isEmpty();
    }

    @Test
    void usedOrDownloadingArtifactsStayAndTheirClockRestarts() {
        Map<String, Instant> longAgo = Map.of("used", T0.minus(GRACE.multipliedBy(3)), "bb.partial", T0.minus(GRACE.multipliedBy(3)));
        ImageSweep.Plan plan = ImageSweep.plan(List.of("used", "bb.partial"), Set.of("used"), Set.of("bb"), longAgo, T0, GRACE);
        assertThat(plan.files()).isEmpty();
        assertThat(plan.firstSeen()).isEmpty();
        // Unused again: a full grace period from now, not from the old first sighting.
        assertThat(ImageSweep.plan(List.of("used"), Set.of(), Set.of(), plan.firstSeen(), T0.plusSeconds(1), GRACE).files()).isEmpty();
    }

    @Test
    void aStalePartialDownloadIsCollectedLikeAnArtifact() {
        ImageSweep.Plan plan = ImageSweep.plan(List.of("cc.partial"), Set.of(), Set.of(), Map.of("cc.partial", T0.minus(GRACE)), T0, GRACE);
        assertThat(plan.files()).containsExactly("cc.partial");
    }
}
