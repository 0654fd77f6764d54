package dev.cirrus.operator.node;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/** When a node counts as lost: after {@code missed} heartbeat intervals without news. */
public record HeartbeatPolicy(Duration interval, int missed) {

    public Duration deadline() {
        return interval.multipliedBy(missed);
    }

    /** Time left before the node is overdue, or empty when it is overdue (or never beat). */
    public Optional<Duration> remaining(String lastHeartbeatTime, Instant now) {
        if (lastHeartbeatTime == null) {
            return Optional.empty();
        }
        try {
            Duration age = Duration.between(Instant.parse(lastHeartbeatTime), now);
            Duration left = deadline().minus(age);
            return left.isNegative() || left.isZero() ? Optional.empty() : Optional.of(left);
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
