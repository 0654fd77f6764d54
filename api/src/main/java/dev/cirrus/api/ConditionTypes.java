package dev.cirrus.api;

/** Condition types and common reasons. {@code Ready} is on every kind (kstatus-compatible). */
public final class ConditionTypes {
    public static final String READY = "Ready";
    public static final String SCHEDULED = "Scheduled";
    public static final String NETWORK_READY = "NetworkReady";
    public static final String IMAGE_READY = "ImageReady";
    public static final String DOMAIN_RUNNING = "DomainRunning";
    public static final String VALID = "Valid";
    /** VM: its floating IP / port forwards are programmed on its node (absent when it has none). */
    public static final String EXTERNAL_READY = "ExternalReady";
    /** OverlayNetwork with spec.router: its ExternalNetwork exists and is ready (absent without a router). */
    public static final String ROUTER_READY = "RouterReady";
    public static final String HEARTBEAT = "Heartbeat";

    public static final String TRUE = "True";
    public static final String FALSE = "False";
    public static final String UNKNOWN = "Unknown";

    private ConditionTypes() {
    }
}
