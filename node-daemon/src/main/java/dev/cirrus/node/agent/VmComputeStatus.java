package dev.cirrus.node.agent;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

import dev.cirrus.api.ConditionTypes;
import dev.cirrus.api.Conditions;
import dev.cirrus.api.v1alpha1.VirtualMachineStatus;

/** Folds a {@link VmCompute} into a VM status (ImageReady, DomainRunning, phase, Ready...). Pure apart from the clock. */
final class VmComputeStatus {
    private VmComputeStatus() {
    }

    static void apply(VirtualMachineStatus status, VmCompute compute, long generation, Instant now) {
        status.conditions = Conditions.set(status.conditions, ConditionTypes.IMAGE_READY, compute.imageReady(),
                compute.imageReason(), compute.imageMessage(), generation);
        status.conditions = Conditions.set(status.conditions, ConditionTypes.DOMAIN_RUNNING, compute.domainRunning(),
                compute.domainRunning() ? "Running" : "NotRunning", compute.domainMessage(), generation);
        status.phase = compute.phase();
        if (compute.domainId() != null) {
            status.domainId = compute.domainId();
        }
        if (compute.consoleLog() != null) {
            status.consoleLog = compute.consoleLog();
        }
        if (compute.started() || compute.domainRunning() && status.bootTime == null) {
            status.bootTime = now.truncatedTo(ChronoUnit.SECONDS).toString();
        }
        boolean network = Conditions.isTrue(status.conditions, ConditionTypes.NETWORK_READY);
        boolean ready = compute.domainRunning() && network;
        status.conditions = Conditions.set(status.conditions, ConditionTypes.READY, ready, ready ? "Running" : "NotReady",
                ready ? "domain running, network programmed"
                        : !compute.domainRunning() ? compute.domainMessage() : "network not ready", generation);
    }
}
