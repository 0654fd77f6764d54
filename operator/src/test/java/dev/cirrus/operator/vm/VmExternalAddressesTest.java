package dev.cirrus.operator.vm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.cirrus.api.ConditionTypes;
import dev.cirrus.api.Conditions;
import dev.cirrus.api.v1alpha1.ExternalNetwork;
import dev.cirrus.api.v1alpha1.ExternalNetworkSpec;
import dev.cirrus.api.v1alpha1.ExternalNetworkStatus;
import dev.cirrus.api.v1alpha1.OverlayNetwork;
import dev.cirrus.api.v1alpha1.OverlayNetworkSpec;
import dev.cirrus.api.v1alpha1.VirtualMachine;
import dev.cirrus.api.v1alpha1.VirtualMachineSpec;
import dev.cirrus.api.v1alpha1.VirtualMachineStatus;
import dev.cirrus.operator.external.ExternalAddressBook;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class VmExternalAddressesTest {
    private final ExternalAddressBook book = new ExternalAddressBook();
    private final VmExternalAddresses externals = new VmExternalAddresses(book);

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "no router      | plain  | public  | 203.0.113.100 | NoRouter                | interface eth0 asks for a floating IP but network plain has no router (spec.router)",
            "missing        | routed | missing | 203.0.113.100 | ExternalNetworkNotFound | interface eth0: ExternalNetwork missing of network routed's router not found",
            "invalid range  | routed | public  | 203.0.113.1   | ExternalNetworkNotReady | interface eth0: ExternalNetwork public is not ready: allocationRange 203.0.113.1-203.0.113.110 contains the gateway 203.0.113.1",
            "unchecked      | routed | fresh   | 203.0.113.100 | ExternalNetworkNotReady | interface eth0: ExternalNetwork fresh is not checked yet",
    })
    void whatCannotBeAllocatedIsSaid(String name, String network, String external, String start, String reason, String message) {
        VirtualMachine vm = vm("web", nic("eth0", network, true, false));
        var outcome = externals.allocate(vm, networks(external), Map.of("public", external("public", start), "fresh", unchecked("fresh")),
                Map::of);
        assertThat(outcome.failure().reason()).isEqualTo(reason);
        assertThat(outcome.failure().message()).isEqualTo(message);
    }

    @Test
    void floatingIpsAndForwardingAddressesAreKeptAndReleasedWhenNoLongerAsked() {
        VirtualMachine vm = vm("web", nic("eth0", "routed", true, false), nic("eth1", "routed", false, true), nic("eth2", "routed", false, false));
        var first = externals.allocate(vm, networks("public"), Map.of("public", external("public", "203.0.113.100")), Map::of);
        assertThat(first.addresses()).containsOnlyKeys("eth0", "eth1");
        assertThat(first.addresses().get("eth0")).isEqualTo(new VmExternalAddresses.Assigned("203.0.113.100", "public"));
        assertThat(first.addresses().get("eth1")).isEqualTo(new VmExternalAddresses.Assigned("203.0.113.101", "public"));

        // Once written to status, the same addresses come back (also for a fresh book after a restart).
        List<VirtualMachineStatus.InterfaceStatus> interfaces = new ArrayList<>();
        for (String nic : List.of("eth0", "eth1", "eth2")) {
            VirtualMachineStatus.InterfaceStatus status = new VirtualMachineStatus.InterfaceStatus();
            status.name = nic;
            interfaces.add(status);
        }
        VmExternalAddresses.apply(interfaces, first.addresses());
        vm.setStatus(new VirtualMachineStatus());
        vm.getStatus().interfaces = interfaces;
        assertThat(interfaces.get(2).externalIP).isNull();
        var again = new VmExternalAddresses(new ExternalAddressBook())
                .allocate(vm, networks("public"), Map.of("public", external("public", "203.0.113.100")), Map::of);
        assertThat(again.addresses()).isEqualTo(first.addresses());

        // A bad edit of the ExternalNetwork leaves the addresses already held in place; nothing new is handed out.
        ExternalNetwork broken = external("public", "203.0.113.1");
        assertThat(externals.allocate(vm, networks("public"), Map.of("public", broken), Map::of).addresses()).isEqualTo(first.addresses());
        assertThat(externals.allocate(vm("other", nic("eth0", "routed", true, false)), networks("public"), Map.of("public", broken), Map::of)
                .failure().reason()).isEqualTo(VmExternalAddresses.NETWORK_NOT_READY);

        // eth0 drops its floating IP: its address is free for the next VM.
        vm.getSpec().interfaces.get(0).floatingIP = null;
        externals.allocate(vm, networks("public"), Map.of("public", external("public", "203.0.113.100")), Map::of);
        var next = externals.allocate(vm("next", nic("eth0", "routed", true, false)), networks("public"),
                Map.of("public", external("public", "203.0.113.100")), Map::of);
        assertThat(next.addresses().get("eth0").ip()).isEqualTo("203.0.113.100");

        externals.releaseAll(vm);
        assertThat(book.holders("public", Map.of())).hasSize(1);
    }

    private static Map<String, OverlayNetwork> networks(String external) {
        OverlayNetwork plain = network("plain", null);
        OverlayNetwork routed = network("routed", external);
        return Map.of("green/plain", plain, "green/routed", routed);
    }

    private static OverlayNetwork network(String name, String external) {
        OverlayNetwork network = new OverlayNetwork();
        network.getMetadata().setNamespace("green");
        network.getMetadata().setName(name);
        network.setSpec(new OverlayNetworkSpec());
        network.getSpec().cidr = "10.0.0.0/24";
        if (external != null) {
            network.getSpec().router = new OverlayNetworkSpec.Router();
            network.getSpec().router.externalNetwork = external;
        }
        return network;
    }

    private static ExternalNetwork external(String name, String start) {
        ExternalNetwork network = unchecked(name);
        network.getStatus().conditions = Conditions.set(List.of(), ConditionTypes.READY, true, "Allocated", "", 1);
        network.getSpec().allocationRange.start = start;
        return network;
    }

    private static ExternalNetwork unchecked(String name) {
        ExternalNetwork network = new ExternalNetwork();
        network.getMetadata().setName(name);
        network.setSpec(new ExternalNetworkSpec());
        network.getSpec().cidr = "203.0.113.0/24";
        network.getSpec().gateway = "203.0.113.1";
        network.getSpec().allocationRange = new ExternalNetworkSpec.AddressRange();
        network.getSpec().allocationRange.start = "203.0.113.100";
        network.getSpec().allocationRange.end = "203.0.113.110";
        network.setStatus(new ExternalNetworkStatus());
        return network;
    }

    private static VirtualMachine vm(String name, VirtualMachineSpec.NetworkInterface... nics) {
        VirtualMachine vm = new VirtualMachine();
        vm.getMetadata().setNamespace("green");
        vm.getMetadata().setName(name);
        vm.setSpec(new VirtualMachineSpec());
        vm.getSpec().interfaces = new ArrayList<>(List.of(nics));
        return vm;
    }

    private static VirtualMachineSpec.NetworkInterface nic(String name, String network, boolean floating, boolean forwards) {
        VirtualMachineSpec.NetworkInterface nic = new VirtualMachineSpec.NetworkInterface();
        nic.name = name;
        nic.network = network;
        if (floating) {
            nic.floatingIP = new VirtualMachineSpec.FloatingIp();
        }
        if (forwards) {
            VirtualMachineSpec.PortForward forward = new VirtualMachineSpec.PortForward();
            forward.port = 2222;
            forward.targetPort = 22;
            nic.portForwards = List.of(forward);
        }
        return nic;
    }
}
