package dev.cirrus.operator.vm;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import dev.cirrus.api.v1alpha1.VirtualMachine;
import dev.cirrus.api.v1alpha1.VirtualMachineSpec;
import dev.cirrus.operator.scheduler.PlacedVm;
import dev.cirrus.operator.scheduler.VmRequest;
import io.fabric8.kubernetes.api.model.Quantity;

/** A VM's resource request in the scheduler's terms (defaults as in the schema). */
final class VmResources {
    private static final BigDecimal MIB = BigDecimal.valueOf(1024L * 1024L);
    // Every placement decision sizes every placed VM: parse each distinct quantity once.
    private static final java.util.Map<String, Long> MIB_BY_QUANTITY = new java.util.concurrent.ConcurrentHashMap<>();

    private VmResources() {
    }

    static int cpu(VirtualMachineSpec spec) {
        return spec.cpu == null ? 1 : spec.cpu;
    }

    static long memoryMib(VirtualMachineSpec spec) {
        String memory = spec.memory == null ? "512Mi" : spec.memory;
        return MIB_BY_QUANTITY.computeIfAbsent(memory,
                m -> Quantity.getAmountInBytes(new Quantity(m)).divide(MIB, java.math.RoundingMode.CEILING).longValue());
    }

    static VmRequest request(VirtualMachine vm, Set<String> excludedNodes) {
        VirtualMachineSpec spec = vm.getSpec();
        var affinity = Optional.ofNullable(spec.affinity);
        return new VmRequest(vm.getMetadata().getNamespace(), vm.getMetadata().getName(), labels(vm), cpu(spec), memoryMib(spec),
                Optional.ofNullable(spec.nodeSelector).orElse(Map.of()),
                affinity.map(a -> a.vmAffinity).map(VmResources::terms).orElse(List.of()),
                affinity.map(a -> a.vmAntiAffinity).map(VmResources::terms).orElse(List.of()),
                excludedNodes);
    }

    static PlacedVm placed(VirtualMachine vm, String node) {
        return new PlacedVm(vm.getMetadata().getNamespace(), vm.getMetadata().getName(), labels(vm), node,
                cpu(vm.getSpec()), memoryMib(vm.getSpec()));
    }

    private static List<Map<String, String>> terms(List<VirtualMachineSpec.VmSelectorTerm> terms) {
        return terms.stream().map(t -> t.matchLabels).toList();
    }

    private static Map<String, String> labels(VirtualMachine vm) {
        return Optional.ofNullable(vm.getMetadata().getLabels()).orElse(Map.of());
    }
}
