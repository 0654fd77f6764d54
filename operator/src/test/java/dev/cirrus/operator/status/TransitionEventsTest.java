package dev.cirrus.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TransitionEventsTest {
    @ParameterizedTest(name = "{0} {1}/{2} after {3}/{4} -> {5}")
    @CsvSource(nullValues = "-", value = {
            // type, status, reason, previous status, previous reason, event
            "Scheduled, True, Scheduled, -, -, Normal",
            "Scheduled, False, Unschedulable, -, -, Warning",
            "Scheduled, False, Unschedulable, False, Unschedulable, -",
            "Ready, False, Provisioning, -, -, -",
            "Ready, False, Provisioning, False, NetworkNotReady, -",
            "Ready, False, NodeLost, False, Provisioning, Warning",
            "Ready, True, Running, False, Provisioning, Normal",
            "Ready, True, Running, True, Running, -",
            "Valid, True, Valid, -, -, -",
            "Valid, False, ImageNotFound, True, Valid, Warning",
    })
    void transitionsWorthAnEvent(String type, String status, String reason, String previousStatus, String previousReason, String event) {
        Optional<Condition> previous = previousStatus == null ? Optional.empty() : Optional.of(condition(type, previousStatus, previousReason));
        assertThat(TransitionEvents.eventType(previous, condition(type, status, reason))).isEqualTo(Optional.ofNullable(event));
    }

    private static Condition condition(String type, String status, String reason) {
        return new ConditionBuilder().withType(type).withStatus(status).withReason(reason).build();
    }
}
