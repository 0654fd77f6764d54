package dev.cirrus.node.compute;

/** What the node daemon does to a domain to bring it where its run strategy wants it. */
public enum RunAction {
    NONE,
    /** Define (from fresh XML, same UUID) and start the domain. */
    START,
    /** Resume a paused domain. */
    RESUME,
    /** Restart a running or paused domain (a reset or destroy + start: the guest is not asked). */
    RESTART,
    /** Ask the guest to power off (ACPI power button). */
    STOP_GRACEFUL,
    /** Pull the plug: a paused guest, or one that ignored the graceful stop past the grace period. */
    DESTROY,
    /**
     * Forget a shut-off domain (undefine it; disks and seed stay). Done once a stop is what the user
     * asked for, so that the next start request meets an ABSENT domain instead of a "guest shut down
     * by itself" that Manual and RerunOnFailure must not restart.
     */
    UNDEFINE
}
