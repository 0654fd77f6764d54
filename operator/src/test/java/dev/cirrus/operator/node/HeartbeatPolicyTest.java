package dev.cirrus.operator.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

class HeartbeatPolicyTest {
    private final HeartbeatPolicy policy = new HeartbeatPolicy(Duration.ofSeconds(10), 3);
    private final Instant now = Instant.parse("2026-01-01T00:01:00Z");

    @Test
    void aRecentBeatLeavesTheRestOfTheDeadline() {
        assertThat(policy.remaining("2026-01-01T00:00:50Z", now)).contains(Duration.ofSeconds(20));
    }

    @Test
    void aNodeIsOverdueAfterTheMissedBeats() {
        assertThat(policy.remaining("2026-01-01T00:00:30Z", now)).isEmpty();
        assertThat(policy.remaining("2026-01-01T00:00:00Z", now)).isEmpty();
    }

    @Test
    void noOrUnreadableBeatIsOverdue() {
        assertThat(policy.remaining(null, now)).isEmpty();
        assertThat(policy.remaining("yesterday", now)).isEmpty();
    }
}
