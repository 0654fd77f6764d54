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
import dev.cirrus.api.v1alpha1.VirtualMachineStatus.InterfaceStatus;
import dev.cirrus.node.network.NetworkReport;
import dev.cirrus.node.network.PortReport;
import io.fabric8.kubernetes.client.utils.Serialization;

/**
 * The node's part of a VM's status for networking: per interface the tap and its link state, and
 * the {@code NetworkReady} condition (with the first problem as its message). Pure.
 */
final class VmNetworkStatus {
    private VmNetworkStatus() {
    }

    static VirtualMachineStatus next(VirtualMachine vm, Map<String, PortReport> portsByKey, Map<String, NetworkReport> networksByKey) {
        VirtualMachineStatus status = Serialization.clone(Optional.ofNullable(vm.getStatus()).orElseGet(VirtualMachineStatus::new));
        List<String> problems = new ArrayList<>();
        List<InterfaceStatus> interfaces = new ArrayList<>();
        for (InterfaceStatus nic : Optional.ofNullable(status.interfaces).orElse(List.of())) {
            PortReport port = portsByKey.get(vm.getMetadata().getUid() + "/" + nic.name);
            NetworkReport network = networksByKey.get(vm.getMetadata().getNamespace() + "/" + nic.network);
            if (network != null && !network.ready()) {
                problems.add("network " + nic.network + ": " + network.message());
            }
            if (port == null) {
                problems.add("interface " + nic.name + ": not programmed yet");
            } else {
                nic.tap = port.tap();
                nic.linkState = port.linkState();
                if (!port.ready()) {
                    problems.add("interface " + nic.name + ": " + port.message());
                }
            }
            interfaces.add(nic);
        }
        status.interfaces = interfaces;
        boolean ready = problems.isEmpty();
        status.conditions = Conditions.set(status.conditions, ConditionTypes.NETWORK_READY, ready, ready ? "Programmed" : "NotProgrammed",
                ready ? "taps attached to " + interfaces.stream().map(i -> i.network).distinct().collect(Collectors.joining(", "))
                        : String.join("; ", problems),
                vm.getMetadata().getGeneration());
        return status;
    }
}
