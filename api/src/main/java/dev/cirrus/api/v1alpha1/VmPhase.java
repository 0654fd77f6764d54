package dev.cirrus.api.v1alpha1;

/** Coarse life-cycle phase of a VM, shown in {@code kubectl get vm}. Conditions carry the detail. */
public enum VmPhase {
    Pending, Scheduling, Provisioning, Starting, Running, Stopping, Stopped, Failed, Terminating
}
