package dev.cirrus.node.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.cirrus.api.v1alpha1.Encapsulation;
import dev.cirrus.api.v1alpha1.ExternalNetwork;
import dev.cirrus.api.v1alpha1.ExternalNetworkSpec;
import dev.cirrus.api.v1alpha1.ExternalNetworkStatus;
import dev.cirrus.api.v1alpha1.FirewallProtocol;
import dev.cirrus.api.v1alpha1.OverlayNetwork;
import dev.cirrus.api.v1alpha1.OverlayNetworkSpec;
import dev.cirrus.api.v1alpha1.VirtualMachine;
import dev.cirrus.api.v1alpha1.VirtualMachineSpec;
import dev.cirrus.api.v1alpha1.VirtualMachineStatus;
import dev.cirrus.node.network.InterfaceNames;
import dev.cirrus.node.network.NetworkDesired;
import dev.cirrus.node.network.NodeNetworkDesired;
import dev.cirrus.node.network.OverlayBackend;
import dev.cirrus.node.network.PortDesired;
import dev.cirrus.node.network.router.FirewallRuleDesired;
import dev.cirrus.node.network.router.PortForwardDesired;
import dev.cirrus.node.network.router.RoutedNetworkDesired;
import dev.cirrus.node.network.router.RoutingDesired;
import dev.cirrus.node.network.router.VmInterfaceDesired;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;

class DesiredRoutingTest {
    @Test
    void routedNetworkWithAFloatingIpVmAndAnExternalNetworkThatHasTheNodesAddress() {
        VirtualMachine web = vm("web", "uid-web", "203.0.113.50");
        var nic = web.getSpec().interfaces.get(0);
        nic.floatingIP = new VirtualMachineSpec.FloatingIp();
        nic.firewall = List.of(rule(FirewallProtocol.TCP, 22, null, null), rule(FirewallProtocol.UDP, 1000, 2000, "198.51.100.0/24"),
                rule(FirewallProtocol.ICMP, null, null, "0.0.0.0/0"));
        VirtualMachineSpec.PortForward forward = new VirtualMachineSpec.PortForward();
        forward.port = 2222;
        forward.targetPort = 22;
        nic.portForwards = List.of(forward);

        RoutingDesired desired = DesiredRouting.of(overlay(port("web", "uid-web", "10.20.0.11")), List.of(web),
                Map.of("green/net", network(true, 5001)), List.of(external("n1", "203.0.113.11")), OverlayBackend.LINUX);

        assertThat(desired.externals()).singleElement().satisfies(e -> {
            assertThat(e.uplinkBridge()).isEqualTo("br-ex");
            assertThat(e.nodeAddress()).isEqualTo("203.0.113.11");
            assertThat(e.prefixLength()).isEqualTo(24);
            assertThat(e.gateway()).isEqualTo("203.0.113.1");
        });
        RoutedNetworkDesired routed = desired.networks().get(0);
        assertThat(routed.routerNamespace()).isEqualTo(InterfaceNames.routerNamespace("n1", "green", "net"));
        assertThat(routed.link().index()).isEqualTo(5001);
        assertThat(routed.snat()).isTrue();
        assertThat(routed.interfaces()).containsExactly(new VmInterfaceDesired("uid-web", "eth0",
                InterfaceNames.tap("uid-web", "eth0"), "02:aa:00:00:00:11", "10.20.0.11", Optional.of("203.0.113.50"), true,
                List.of(new PortForwardDesired("tcp", 2222, 22, Optional.empty())),
                List.of(new FirewallRuleDesired("tcp", Optional.of("22"), Optional.empty()),
                        new FirewallRuleDesired("udp", Optional.of("1000-2000"), Optional.of("198.51.100.0/24")),
                        new FirewallRuleDesired("icmp", Optional.empty(), Optional.of("0.0.0.0/0")))));
        assertThat(desired.bridges()).singleElement().satisfies(b -> assertThat(b.ports()).hasSize(1));
    }

    @Test
    void anExternalNetworkWithoutAnAddressForThisNodeIsLeftOutAndTheNetworkStillListed() {
        RoutingDesired desired = DesiredRouting.of(overlay(port("web", "uid-web", "10.20.0.11")),
                List.of(vm("web", "uid-web", null)), Map.of("green/net", network(false, 5001)),
                List.of(external("n2", "203.0.113.12")), OverlayBackend.LINUX);
        assertThat(desired.externals()).isEmpty();
        assertThat(desired.networks()).singleElement().satisfies(n -> {
            assertThat(n.snat()).isFalse();
            assertThat(n.interfaces().get(0).externalIP()).isEmpty();
            assertThat(n.interfaces().get(0).exposed()).isFalse();
        });
    }

    @Test
    void networksWithoutRouterGetOnlyAntiSpoofingAndLinkLocalPairsNeverCollide() {
        OverlayNetwork plain = network(true, 5001);
        plain.getSpec().router = null;
        NetworkDesired a = networkDesired("a", 5001, List.of(port("web", "uid-web", "10.20.0.11")));
        NetworkDesired b = networkDesired("b", 5001 + 32768, List.of());
        NetworkDesired c = networkDesired("c", 5001 + 2 * 32768, List.of());
        NodeNetworkDesired overlay = new NodeNetworkDesired("n1", Optional.empty(), "10.99.0.1", 1500, List.of(a, b, c));
        RoutingDesired desired = DesiredRouting.of(overlay, List.of(), Map.of("green/a", plain,
                "green/b", network(true, 5001 + 32768), "green/c", network(true, 5001 + 2 * 32768)), List.of(), OverlayBackend.LINUX);
        assertThat(desired.bridges()).hasSize(3);
        assertThat(desired.networks()).extracting(n -> n.key() + "@" + n.link().index())
                .containsExactly("green/b@5001", "green/c@5002");
    }

    @Test
    void onOvsGeneveNetworksAreRoutedAndTheTapsAreLeftToTheOvsFlows() {
        NetworkDesired geneve = new NetworkDesired("green", "net", 5001, "10.20.0.0/24", "10.20.0.1", Optional.empty(),
                true, Optional.empty(), Optional.empty(), List.of(), Optional.empty(), "geneve", List.of(),
                List.of(port("web", "uid-web", "10.20.0.11")));
        NodeNetworkDesired overlay = new NodeNetworkDesired("n1", Optional.empty(), "10.99.0.1", 1500, List.of(geneve));
        List<VirtualMachine> vms = List.of(vm("web", "uid-web", "203.0.113.50"));
        Map<String, OverlayNetwork> networks = Map.of("green/net", network(true, 5001));
        List<ExternalNetwork> externals = List.of(external("n1", "203.0.113.11"));

        RoutingDesired ovs = DesiredRouting.of(overlay, vms, networks, externals, OverlayBackend.OVS);
        assertThat(ovs.bridges()).as("no nft bridge tables: OVS guards its taps itself").isEmpty();
        assertThat(ovs.networks()).singleElement().satisfies(n -> assertThat(n.interfaces()).hasSize(1));
        assertThat(ovs.externals()).hasSize(1);
        assertThat(DesiredRouting.of(overlay, vms, networks, externals, OverlayBackend.LINUX).networks())
                .as("the Linux backend programs no Geneve network, so it routes none").isEmpty();
    }

    // ---- API objects --------------------------------------------------------------------------

    private static NodeNetworkDesired overlay(PortDesired port) {
        return new NodeNetworkDesired("n1", Optional.empty(), "10.99.0.1", 1500,
                List.of(networkDesired("net", 5001, List.of(port))));
    }

    private static NetworkDesired networkDesired(String name, long vni, List<PortDesired> ports) {
        return new NetworkDesired("green", name, vni, "10.20.0.0/24", "10.20.0.1", Optional.empty(), true,
                Optional.empty(), Optional.empty(), List.of(), Optional.empty(), "vxlan", List.of(), ports);
    }

    private static PortDesired port(String vm, String uid, String ip) {
        return new PortDesired("green", vm, uid, "eth0", "02:aa:00:00:00:11", ip, vm);
    }

    private static OverlayNetwork network(boolean snat, long vni) {
        OverlayNetwork network = new OverlayNetwork();
        network.setMetadata(new ObjectMetaBuilder().withNamespace("green").withName("net").build());
        OverlayNetworkSpec spec = new OverlayNetworkSpec();
        spec.cidr = "10.20.0.0/24";
        spec.encapsulation = Encapsulation.VXLAN;
        spec.router = new OverlayNetworkSpec.Router();
        spec.router.externalNetwork = "public";
        spec.router.snat = snat;
        network.setSpec(spec);
        return network;
    }

    private static ExternalNetwork external(String node, String address) {
        ExternalNetwork external = new ExternalNetwork();
        external.setMetadata(new ObjectMetaBuilder().withName("public").build());
        ExternalNetworkSpec spec = new ExternalNetworkSpec();
        spec.uplink = new ExternalNetworkSpec.Uplink();
        spec.uplink.bridge = "br-ex";
        spec.cidr = "203.0.113.0/24";
        spec.gateway = "203.0.113.1";
        external.setSpec(spec);
        ExternalNetworkStatus status = new ExternalNetworkStatus();
        ExternalNetworkStatus.NodeAddress entry = new ExternalNetworkStatus.NodeAddress();
        entry.node = node;
        entry.address = address;
        status.nodes = List.of(entry);
        external.setStatus(status);
        return external;
    }

    private static VirtualMachine vm(String name, String uid, String externalIP) {
        VirtualMachine vm = new VirtualMachine();
        vm.setMetadata(new ObjectMetaBuilder().withNamespace("green").withName(name).withUid(uid).build());
        VirtualMachineSpec spec = new VirtualMachineSpec();
        VirtualMachineSpec.NetworkInterface nic = new VirtualMachineSpec.NetworkInterface();
        nic.name = "eth0";
        nic.network = "net";
        spec.interfaces = List.of(nic);
        vm.setSpec(spec);
        VirtualMachineStatus status = new VirtualMachineStatus();
        VirtualMachineStatus.InterfaceStatus s = new VirtualMachineStatus.InterfaceStatus();
        s.name = "eth0";
        s.network = "net";
        s.externalIP = externalIP;
        s.externalNetwork = externalIP == null ? null : "public";
        status.interfaces = List.of(s);
        vm.setStatus(status);
        return vm;
    }

    private static VirtualMachineSpec.FirewallRule rule(FirewallProtocol protocol, Integer from, Integer to, String source) {
        VirtualMachineSpec.FirewallRule rule = new VirtualMachineSpec.FirewallRule();
        rule.protocol = protocol;
        rule.portFrom = from;
        rule.portTo = to;
        rule.source = source;
        return rule;
    }
}
