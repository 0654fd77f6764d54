package dev.cirrus.node.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.cirrus.api.ConditionTypes;
import dev.cirrus.api.Conditions;
import dev.cirrus.api.v1alpha1.VirtualMachine;
import dev.cirrus.api.v1alpha1.VirtualMachineStatus;
import dev.cirrus.node.network.router.ExternalReport;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;

class VmExternalStatusTest {
    private final VirtualMachine vm = vm();

    @Test
    void trueWhenEveryExposedInterfaceIsProgrammed() {
        VirtualMachineStatus status = vm.getStatus();
        VmExternalStatus.apply(status, vm, Map.of("uid-1/eth0", report("eth0", true, "Programmed", "floating IP 203.0.113.50 → 10.20.0.11")));
        Condition c = Conditions.find(status.conditions, ConditionTypes.EXTERNAL_READY).orElseThrow();
        assertThat(c.getStatus()).isEqualTo("True");
        assertThat(c.getReason()).isEqualTo("Programmed");
        assertThat(c.getMessage()).contains("203.0.113.50");
        assertThat(c.getObservedGeneration()).isEqualTo(3L);
    }

    @Test
    void falseWithTheFirstProblem() {
        VirtualMachineStatus status = vm.getStatus();
        VmExternalStatus.apply(status, vm, Map.of(
                "uid-1/eth0", report("eth0", true, "Programmed", "ok"),
                "uid-1/eth1", report("eth1", false, "NoExternalIP", "waiting for the operator")));
        Condition c = Conditions.find(status.conditions, ConditionTypes.EXTERNAL_READY).orElseThrow();
        assertThat(c.getStatus()).isEqualTo("False");
        assertThat(c.getReason()).isEqualTo("NoExternalIP");
        assertThat(c.getMessage()).isEqualTo("interface eth1: waiting for the operator");
    }

    @Test
    void absentWhenTheVmExposesNothingAnyMore() {
        VirtualMachineStatus status = vm.getStatus();
        status.conditions = Conditions.set(status.conditions, ConditionTypes.EXTERNAL_READY, true, "Programmed", "x", 1);
        status.conditions = Conditions.set(status.conditions, ConditionTypes.NETWORK_READY, true, "Programmed", "y", 1);
        VmExternalStatus.apply(status, vm, Map.of());
        assertThat(status.conditions).extracting(Condition::getType).containsExactly(ConditionTypes.NETWORK_READY);
    }

    private static ExternalReport report(String nic, boolean ready, String reason, String message) {
        return new ExternalReport("uid-1", nic, Optional.of("203.0.113.50"), ready, reason, message);
    }

    private static VirtualMachine vm() {
        VirtualMachine vm = new VirtualMachine();
        vm.setMetadata(new ObjectMetaBuilder().withNamespace("green").withName("web").withUid("uid-1").withGeneration(3L).build());
        VirtualMachineStatus status = new VirtualMachineStatus();
        for (String name : List.of("eth0", "eth1")) {
            VirtualMachineStatus.InterfaceStatus s = new VirtualMachineStatus.InterfaceStatus();
            s.name = name;
            s.network = "net";
            status.interfaces.add(s);
        }
        vm.setStatus(status);
        return vm;
    }
}
