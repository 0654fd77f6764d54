package dev.cirrus.operator.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SchedulerTest {
    private static final NodeInfo A = node("a", Map.of("zone", "1"), true, false, 4, 4096);
    private static final NodeInfo B = node("b", Map.of("zone", "2"), true, false, 4, 8192);

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("spreads to the node with the most memory left", vm(1, 512), List.of(A, B), List.of(), "b", null),
                Arguments.of("counts what is already placed",
                        vm(1, 512), List.of(A, B), List.of(placed("x", "b", 1, 6144)), "a", null),
                Arguments.of("no node at all", vm(1, 512), List.of(), List.of(), null,
                        "0/0 nodes are available: no Hypervisor is registered"),
                Arguments.of("not ready and cordoned nodes are skipped",
                        vm(1, 512), List.of(node("a", Map.of(), false, false, 4, 4096), node("b", Map.of(), true, true, 4, 4096)),
                        List.of(), null, "0/2 nodes are available: 1 not ready, 1 unschedulable"),
                Arguments.of("insufficient cpu and memory",
                        vm(8, 512), List.of(A), List.of(), null, "0/1 nodes are available: 1 insufficient cpu"),
                Arguments.of("exactly full still fits", vm(4, 4096), List.of(A), List.of(), "a", null),
                Arguments.of("memory one MiB over", vm(1, 4097), List.of(A), List.of(), null,
                        "0/1 nodes are available: 1 insufficient memory"),
                Arguments.of("nodeSelector", withSelector(vm(1, 512), Map.of("zone", "1")), List.of(A, B), List.of(), "a", null),
                Arguments.of("nodeSelector nowhere", withSelector(vm(1, 512), Map.of("zone", "9")), List.of(A, B), List.of(), null,
                        "0/2 nodes are available: 2 not matching nodeSelector"),
                Arguments.of("anti-affinity keeps web VMs apart",
                        anti(vm(1, 512), Map.of("app", "web")), List.of(A, B), List.of(placed("web-1", "b", 1, 512)), "a", null),
                Arguments.of("anti-affinity ignores other namespaces",
                        anti(vm(1, 512), Map.of("app", "web")), List.of(B), List.of(placedIn("other", "web-1", "b")), "b", null),
                Arguments.of("anti-affinity with no room left",
                        anti(vm(1, 512), Map.of("app", "web")), List.of(A, B),
                        List.of(placed("web-1", "a", 1, 512), placed("web-2", "b", 1, 512)), null,
                        "0/2 nodes are available: 2 violating VM anti-affinity"),
                Arguments.of("affinity follows the group",
                        affinity(vm(1, 512), Map.of("app", "web")), List.of(A, B), List.of(placed("web-1", "a", 1, 512)), "a", null),
                Arguments.of("first VM of its own affinity group goes anywhere",
                        affinity(vm(1, 512), Map.of("app", "web")), List.of(A, B), List.of(), "b", null),
                Arguments.of("affinity to a group that is nowhere",
                        affinity(vm(1, 512), Map.of("app", "db")), List.of(A, B), List.of(), null,
                        "0/2 nodes are available: 2 not matching VM affinity"),
                Arguments.of("a lost node is excluded",
                        excluding(vm(1, 512), "b"), List.of(A, B), List.of(), "a", null),
                Arguments.of("the VM itself does not count against its node",
                        vm(4, 4096), List.of(A), List.of(placed("me", "a", 4, 4096)), "a", null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void schedule(String name, VmRequest vm, List<NodeInfo> nodes, List<PlacedVm> placed, String node, String reason) {
        Placement placement = Scheduler.schedule(vm, nodes, placed);
        assertThat(placement.node().orElse(null)).isEqualTo(node);
        if (reason != null) {
            assertThat(placement.reason()).isEqualTo(reason);
        }
    }

    private static NodeInfo node(String name, Map<String, String> labels, boolean ready, boolean cordoned, int cpu, long mib) {
        return new NodeInfo(name, labels, ready, cordoned, cpu, mib);
    }

    private static VmRequest vm(int cpu, long mib) {
        return new VmRequest("ns", "me", Map.of("app", "web"), cpu, mib, Map.of(), List.of(), List.of(), Set.of());
    }

    private static VmRequest withSelector(VmRequest v, Map<String, String> selector) {
        return new VmRequest(v.namespace(), v.name(), v.labels(), v.cpu(), v.memoryMib(), selector, v.affinity(), v.antiAffinity(), v.excludedNodes());
    }

    private static VmRequest anti(VmRequest v, Map<String, String> term) {
        return new VmRequest(v.namespace(), v.name(), v.labels(), v.cpu(), v.memoryMib(), v.nodeSelector(), v.affinity(), List.of(term), v.excludedNodes());
    }

    private static VmRequest affinity(VmRequest v, Map<String, String> term) {
        return new VmRequest(v.namespace(), v.name(), v.labels(), v.cpu(), v.memoryMib(), v.nodeSelector(), List.of(term), v.antiAffinity(), v.excludedNodes());
    }

    private static VmRequest excluding(VmRequest v, String node) {
        return new VmRequest(v.namespace(), v.name(), v.labels(), v.cpu(), v.memoryMib(), v.nodeSelector(), v.affinity(), v.antiAffinity(), Set.of(node));
    }

    private static PlacedVm placed(String name, String node, int cpu, long mib) {
        return new PlacedVm("ns", name, Map.of("app", "web"), node, cpu, mib);
    }

    private static PlacedVm placedIn(String namespace, String name, String node) {
        return new PlacedVm(namespace, name, Map.of("app", "web"), node, 1, 512);
    }
}
