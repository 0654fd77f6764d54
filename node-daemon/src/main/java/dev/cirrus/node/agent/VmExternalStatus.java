package dev.cirrus.node.agent;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import dev.cirrus.api.ConditionTypes;
import dev.cirrus.api.Conditions;
import dev.cirrus.api.v1alpha1.VirtualMachine;
import dev.cirrus.api.v1alpha1.VirtualMachineStatus;
import dev.cirrus.node.network.router.ExternalReport;

/**
 * The node's verdict on a VM's external reachability: {@code ExternalReady} True once every
 * exposed interface (floating IP or forwards) is programmed on this node, False with the first
 * problem otherwise, absent when the VM exposes nothing. Pure; applied to the status that
 * {@link VmNetworkStatus} computed, so it goes out in the same write.
 */
final class VmExternalStatus {
    private VmExternalStatus() {
    }

    /** @param reportsByKey by "vmUid/interfaceName" */
    static void apply(VirtualMachineStatus status, VirtualMachine vm, Map<String, ExternalReport> reportsByKey) {
        List<ExternalReport> mine = new ArrayList<>();
        Optional.ofNullable(status.interfaces).orElse(List.of()).forEach(nic -> Optional
                .ofNullable(reportsByKey.get(vm.getMetadata().getUid() + "/" + nic.name)).ifPresent(mine::add));
        if (mine.isEmpty()) {
            if (status.conditions != null) {
                status.conditions = status.conditions.stream()
                        .filter(c -> !ConditionTypes.EXTERNAL_READY.equals(c.getType())).collect(Collectors.toList());
            }
            return;
        }
        Optional<ExternalReport> problem = mine.stream().filter(r -> !r.ready()).findFirst();
        long generation = Optional.ofNullable(vm.getMetadata().getGeneration()).orElse(0L);
        status.conditions = problem
                .map(p -> Conditions.set(status.conditions, ConditionTypes.EXTERNAL_READY, false, p.reason(),
                        "interface " + p.interfaceName() + ": " + p.message(), generation))
                .orElseGet(() -> Conditions.set(status.conditions, ConditionTypes.EXTERNAL_READY, true, "Programmed",
                        mine.stream().map(ExternalReport::message).collect(Collectors.joining("; ")), generation));
    }
}
