package dev.cirrus.node.compute;

/**
 * What libvirt says about a VM's domain, reduced to what the run-strategy decision needs.
 * Suggested mapping from libvirt's state and reason:
 * <ul>
 * <li>no domain defined → {@link #ABSENT}</li>
 * <li>running, blocked → {@link #RUNNING}</li>
 * <li>paused (any reason), pmsuspended → {@link #PAUSED}</li>
 * <li>shutoff/shutdown (the guest powered off, by itself or after an ACPI request) → {@link #SHUT_OFF_CLEAN}</li>
 * <li>crashed, shutoff/crashed, shutoff/failed, shutoff/destroyed, shutoff/unknown (QEMU died, a host
 *     reboot, someone ran virsh destroy) → {@link #CRASHED}</li>
 * </ul>
 */
public enum DomainState {
    ABSENT,
    RUNNING,
    PAUSED,
    /** Shut off because the guest powered itself off. */
    SHUT_OFF_CLEAN,
    /** Shut off for any other reason: a crash, a failed start, QEMU killed, the host went down. */
    CRASHED
}
