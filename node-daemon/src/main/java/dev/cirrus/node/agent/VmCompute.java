package dev.cirrus.node.agent;

import dev.cirrus.api.v1alpha1.VmPhase;

/**
 * What the compute side observed and did for one VM in one resync.
 *
 * @param imageReady     all Images resolved and fetched
 * @param imageReason    the ImageReady condition's reason (Fetched, Fetching, ChecksumMismatch, NotFound, ...)
 * @param imageMessage   the first image problem, or a summary
 * @param domainRunning  the domain is running after this resync's action
 * @param domainMessage  what happened to the domain (or why it failed)
 * @param phase          the phase to report
 * @param domainId       the domain UUID, or null when no domain was defined
 * @param started        the domain was (re)started in this resync
 * @param consoleLog     serial console log file, or null
 */
record VmCompute(boolean imageReady, String imageReason, String imageMessage, boolean domainRunning, String domainMessage,
                 VmPhase phase, String domainId, boolean started, String consoleLog) {
    static final String FETCHED = "Fetched";

    static VmCompute imageFailed(String reason, String message) {
        return new VmCompute(false, reason, message, false, "images not ready", VmPhase.Pending, null, false, null);
    }

    /** A download runs (off the agent's loop); the VM waits for it. */
    static VmCompute imageFetching(String message) {
        return new VmCompute(false, "Fetching", message, false, "images not ready", VmPhase.Provisioning, null, false, null);
    }
}
