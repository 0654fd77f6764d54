package dev.cirrus.node.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;

import dev.cirrus.api.v1alpha1.Encapsulation;
import dev.cirrus.api.v1alpha1.Hypervisor;
import dev.cirrus.api.v1alpha1.HypervisorStatus;
import dev.cirrus.api.v1alpha1.OverlayNetwork;
import dev.cirrus.api.v1alpha1.OverlayNetworkSpec;
import dev.cirrus.api.v1alpha1.OverlayNetworkStatus;
import dev.cirrus.api.v1alpha1.VirtualMachine;
import dev.cirrus.api.v1alpha1.VirtualMachineSpec;
import dev.cirrus.api.v1alpha1.VirtualMachineStatus;
import dev.cirrus.node.network.HostRecord;
import dev.cirrus.node.network.NetworkDesired;
import dev.cirrus.node.network.NodeNetworkDesired;
import org.junit.jupiter.api.Test;

class DesiredNetworksTest {
    @Test
    void portsComeFromAllocatedAddressesAndPeersFromNodesReportingTheNetwork() {
        OverlayNetwork green = network("green", "green", 4096L, "192.168.88.1");
        VirtualMachine vm = vm("green", "web", "uid-1", "n1", "eth0", "green", "10.0.0.5", "0e:00:00:00:00:01");
        NodeNetworkDesired desired = DesiredNetworks.of("n1", Optional.of("node1"), "10.99.0.1", 1500, List.of(vm),
                DesiredNetworks.byKey(List.of(green)),
                List.of(node("n1", "10.99.0.1", "green/green"), node("n2", "10.99.0.2", "green/green"), node("n3", "10.99.0.3", "blue/blue")));

        assertThat(desired.networks()).hasSize(1);
        NetworkDesired net = desired.networks().get(0);
        assertThat(net.vni()).isEqualTo(4096L);
        assertThat(net.gatewayIp()).isEqualTo("192.168.88.1");
        assertThat(net.encapsulation()).isEqualTo("vxlan");
        assertThat(net.peerUnderlayIps()).containsExactly("10.99.0.2");
        assertThat(net.ports()).singleElement().satisfies(p -> {
            assertThat(p.mac()).isEqualTo("0e:00:00:00:00:01");
            assertThat(p.ip()).isEqualTo("10.0.0.5");
            assertThat(p.hostname()).isEqualTo("web");
            assertThat(p.key()).isEqualTo("uid-1/eth0");
        });
    }

    @Test
    void dnsNamesAreThoseOfEveryVmOfTheNetworkButReservationsOnlyLocal() {
        OverlayNetwork green = network("green", "green", 4096L, "192.168.88.1");
        OverlayNetwork blue = network("green", "blue", 4097L, "192.168.88.1");
        VirtualMachine local = vm("green", "web", "uid-1", "n1", "eth0", "green", "10.0.0.5", "0e:00:00:00:00:01");
        VirtualMachine remote = vm("green", "db", "uid-2", "n2", "eth0", "green", "10.0.0.6", "0e:00:00:00:00:02");
        VirtualMachine unplaced = vm("green", "cache", "uid-3", null, "eth0", "green", "10.0.0.7", "0e:00:00:00:00:03");
        VirtualMachine otherNetwork = vm("green", "mail", "uid-4", "n2", "eth0", "blue", "10.0.0.8", "0e:00:00:00:00:04");
        VirtualMachine noAddressYet = vm("green", "new", "uid-5", "n2", "eth0", "green", null, null);
        VirtualMachine deleting = vm("green", "old", "uid-6", "n2", "eth0", "green", "10.0.0.9", "0e:00:00:00:00:06");
        deleting.getMetadata().setDeletionTimestamp("2026-01-01T00:00:00Z");
        NodeNetworkDesired desired = DesiredNetworks.of("n1", Optional.empty(), "10.99.0.1", 1500, List.of(local),
                DesiredNetworks.byKey(List.of(green, blue)), List.of(),
                List.of(local, remote, unplaced, otherNetwork, noAddressYet, deleting));

        NetworkDesired net = desired.networks().get(0);
        assertThat(net.ports()).extracting(p -> p.vmName()).containsExactly("web");
        assertThat(net.hostRecords()).containsExactly(new HostRecord("cache", "10.0.0.7"),
                new HostRecord("db", "10.0.0.6"), new HostRecord("web", "10.0.0.5"));
    }

    @Test
    void nothingIsUsedBeforeItIsInStatus() {
        OverlayNetwork noVni = network("green", "green", null, null);
        VirtualMachine placedElsewhere = vm("green", "a", "uid-a", "n2", "eth0", "green", "10.0.0.5", "0e:00:00:00:00:01");
        VirtualMachine noAddress = vm("green", "b", "uid-b", "n1", "eth0", "green", null, null);
        VirtualMachine waitsForVni = vm("green", "c", "uid-c", "n1", "eth0", "green", "10.0.0.6", "0e:00:00:00:00:02");
        NodeNetworkDesired desired = DesiredNetworks.of("n1", Optional.empty(), "10.99.0.1", 1500,
                List.of(placedElsewhere, noAddress, waitsForVni), DesiredNetworks.byKey(List.of(noVni)), List.of());
        assertThat(desired.networks()).isEmpty();
    }

    private static OverlayNetwork network(String ns, String name, Long vni, String gateway) {
        OverlayNetwork n = new OverlayNetwork();
        n.getMetadata().setNamespace(ns);
        n.getMetadata().setName(name);
        n.setSpec(new OverlayNetworkSpec());
        n.getSpec().cidr = "192.168.88.0/24";
        n.getSpec().encapsulation = Encapsulation.VXLAN;
        n.setStatus(new OverlayNetworkStatus());
        n.getStatus().vni = vni;
        n.getStatus().gateway = gateway;
        return n;
    }

    private static VirtualMachine vm(String ns, String name, String uid, String node, String nic, String network, String ip, String mac) {
        VirtualMachine vm = new VirtualMachine();
        vm.getMetadata().setNamespace(ns);
        vm.getMetadata().setName(name);
        vm.getMetadata().setUid(uid);
        vm.setSpec(new VirtualMachineSpec());
        vm.setStatus(new VirtualMachineStatus());
        vm.getStatus().nodeName = node;
        VirtualMachineStatus.InterfaceStatus i = new VirtualMachineStatus.InterfaceStatus();
        i.name = nic;
        i.network = network;
        i.ip = ip;
        i.mac = mac;
        vm.getStatus().interfaces = List.of(i);
        return vm;
    }

    private static Hypervisor node(String name, String underlay, String networkKey) {
        Hypervisor h = new Hypervisor();
        h.getMetadata().setName(name);
        h.setStatus(new HypervisorStatus());
        h.getStatus().underlayIP = underlay;
        HypervisorStatus.NetworkEntry e = new HypervisorStatus.NetworkEntry();
        e.namespace = networkKey.split("/")[0];
        e.name = networkKey.split("/")[1];
        e.state = "Ready";
        h.getStatus().networks = List.of(e);
        return h;
    }

}
