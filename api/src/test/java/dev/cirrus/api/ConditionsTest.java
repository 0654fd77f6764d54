package dev.cirrus.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import io.fabric8.kubernetes.api.model.Condition;
import org.junit.jupiter.api.Test;

class ConditionsTest {
    private static final String LONG_AGO = "2020-01-01T00:00:00Z";

    @Test
    void keepsTheTransitionTimeWhileTheStatusStaysTheSame() {
        List<Condition> before = List.of(new Condition(LONG_AGO, "old", 1L, "Old", "True", "Ready"));
        List<Condition> after = Conditions.set(before, "Ready", true, "New", "new message", 2);
        Condition ready = Conditions.find(after, "Ready").orElseThrow();
        assertThat(ready.getLastTransitionTime()).isEqualTo(LONG_AGO);
        assertThat(ready.getReason()).isEqualTo("New");
        assertThat(ready.getObservedGeneration()).isEqualTo(2L);
    }

    @Test
    void movesTheTransitionTimeWhenTheStatusFlips() {
        List<Condition> before = List.of(new Condition(LONG_AGO, "", 1L, "Ok", "True", "Ready"));
        Condition ready = Conditions.find(Conditions.set(before, "Ready", false, "Broken", "", 1), "Ready").orElseThrow();
        assertThat(ready.getStatus()).isEqualTo("False");
        assertThat(ready.getLastTransitionTime()).isNotEqualTo(LONG_AGO);
    }

    @Test
    void keepsOtherConditionsSortedByType() {
        List<Condition> list = Conditions.set(List.of(), "Valid", true, "A", "", 1);
        list = Conditions.set(list, "Ready", false, "B", "", 1);
        list = Conditions.set(list, "Scheduled", true, "C", "", 1);
        assertThat(list).extracting(Condition::getType).containsExactly("Ready", "Scheduled", "Valid");
        assertThat(Conditions.isTrue(list, "Scheduled")).isTrue();
        assertThat(Conditions.isTrue(list, "Ready")).isFalse();
        assertThat(Conditions.isTrue(list, "Missing")).isFalse();
    }
}
