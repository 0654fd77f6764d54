package dev.cirrus.operator.status;

/** The outcome of one reconcile step: fine, or not (with a machine reason and a human message). */
public record Verdict(boolean ok, String reason, String message) {
    public static Verdict ok(String reason, String message) {
        return new Verdict(true, reason, message);
    }

    public static Verdict fail(String reason, String message) {
        return new Verdict(false, reason, message);
    }
}
