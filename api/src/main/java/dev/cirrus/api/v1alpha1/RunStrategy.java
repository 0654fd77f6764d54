package dev.cirrus.api.v1alpha1;

/** When a VM's domain should be running (KubeVirt's runStrategy semantics). */
public enum RunStrategy {
    /** Always running: a guest that stops or crashes is started again. */
    Always,
    /** Restarted only after a failure; a clean guest shutdown leaves it stopped. */
    RerunOnFailure,
    /** Follows the requested state (spec.running) and nothing else. */
    Manual,
    /** Stopped. */
    Halted
}
