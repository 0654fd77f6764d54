package dev.cirrus.node.network;

/** A step of either backend's plan: who a failure is charged to, and what it does in words. */
public interface PlannedStep {
    /** A network key, a port key, {@link Action#GC} or a backend-wide owner. */
    String owner();

    /** For the report and logs. */
    String describe();
}
