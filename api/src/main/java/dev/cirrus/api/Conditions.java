package dev.cirrus.api;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.Condition;

/**
 * The one way conditions are written, by the operator and by the node daemons alike. {@code lastTransitionTime} changes only when a condition's
 * status changes, so kstatus, Argo CD and {@code kubectl wait} see stable conditions, and a
 * reconcile that decides nothing new produces an identical status (and so no API write).
 */
public final class Conditions {
    private Conditions() {
    }

    /** Returns a new list: {@code previous} with the condition of {@code type} set. */
    public static List<Condition> set(List<Condition> previous, String type, boolean status, String reason,
            String message, long observedGeneration) {
        String statusText = status ? "True" : "False";
        Optional<Condition> old = find(previous, type);
        String since = old.filter(c -> statusText.equals(c.getStatus()))
                .map(Condition::getLastTransitionTime)
                .orElseGet(() -> Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        Condition next = new Condition(since, message == null ? "" : message, observedGeneration, reason, statusText, type);
        List<Condition> result = new ArrayList<>();
        if (previous != null) {
            previous.stream().filter(c -> !type.equals(c.getType())).forEach(result::add);
        }
        result.add(next);
        result.sort((a, b) -> a.getType().compareTo(b.getType()));
        return result;
    }

    public static Optional<Condition> find(List<Condition> conditions, String type) {
        return conditions == null ? Optional.empty()
                : conditions.stream().filter(c -> Objects.equals(type, c.getType())).findFirst();
    }

    public static boolean isTrue(List<Condition> conditions, String type) {
        return find(conditions, type).map(c -> "True".equals(c.getStatus())).orElse(false);
    }
}
