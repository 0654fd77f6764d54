package dev.cirrus.node.compute;

/**
 * libvirt's (state, reason) pair, as {@code virDomainGetState} returns it, reduced to {@link DomainState}.
 * Pure and table-driven so the mapping is pinned by a unit test rather than discovered on a host.
 * The numbers are libvirt's stable ABI ({@code virDomainState}, {@code virDomainShutoffReason}).
 */
public final class DomainStateMapping {
    // virDomainState
    static final int NOSTATE = 0;
    static final int RUNNING = 1;
    static final int BLOCKED = 2;
    static final int PAUSED = 3;
    static final int SHUTDOWN = 4;
    static final int SHUTOFF = 5;
    static final int CRASHED = 6;
    static final int PMSUSPENDED = 7;
    // virDomainShutoffReason
    static final int SHUTOFF_UNKNOWN = 0;
    static final int SHUTOFF_SHUTDOWN = 1;
    static final int SHUTOFF_DESTROYED = 2;
    static final int SHUTOFF_CRASHED = 3;
    static final int SHUTOFF_FAILED = 6;

    private DomainStateMapping() {
    }

    public static DomainState map(int state, int reason) {
        return switch (state) {
            // SHUTDOWN is "being shut down": QEMU still runs until the guest finishes powering off.
            // NOSTATE only shows up transiently while a domain is being set up; QEMU exists.
            case RUNNING, BLOCKED, SHUTDOWN, NOSTATE -> DomainState.RUNNING;
            case PAUSED, PMSUSPENDED -> DomainState.PAUSED;
            // Only a guest-initiated power-off is clean; destroyed/failed/crashed/unknown (which includes
            // "defined but never started" and a host reboot), migrated, saved and daemon all mean the VM
            // did not choose to stop, so the run strategy must treat them as a failure (DomainState javadoc).
            case SHUTOFF -> reason == SHUTOFF_SHUTDOWN ? DomainState.SHUT_OFF_CLEAN : DomainState.CRASHED;
            case CRASHED -> DomainState.CRASHED;
            default -> throw new IllegalArgumentException("unknown libvirt domain state " + state + " (reason " + reason + ")");
        };
    }
}
