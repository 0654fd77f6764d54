package dev.cirrus.node.agent;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import dev.cirrus.api.v1alpha1.ExternalNetwork;
import dev.cirrus.api.v1alpha1.OverlayNetwork;
import dev.cirrus.api.v1alpha1.VirtualMachine;
import dev.cirrus.api.v1alpha1.VirtualMachineSpec;
import dev.cirrus.api.v1alpha1.VirtualMachineStatus.InterfaceStatus;
import dev.cirrus.node.network.InterfaceNames;
import dev.cirrus.node.network.Ipv4Subnet;
import dev.cirrus.node.network.NetworkDesired;
import dev.cirrus.node.network.NodeNetworkDesired;
import dev.cirrus.node.network.OverlayBackend;
import dev.cirrus.node.network.PortDesired;
import dev.cirrus.node.network.router.BridgePortsDesired;
import dev.cirrus.node.network.router.ExternalDesired;
import dev.cirrus.node.network.router.FirewallRuleDesired;
import dev.cirrus.node.network.router.LinkLocalPair;
import dev.cirrus.node.network.router.PortForwardDesired;
import dev.cirrus.node.network.router.RoutedNetworkDesired;
import dev.cirrus.node.network.router.RoutingDesired;
import dev.cirrus.node.network.router.VmInterfaceDesired;

/**
 * What routing this node must hold, derived from the API and the overlay's desired state (pure):
 * anti-spoofing for every port the overlay programs (as nft bridge tables on the Linux backend; the
 * OVS backend guards its taps itself); for each of those networks with a router, its
 * router pair and the local VM interfaces' external addresses (only as the operator put them in
 * status: the node never allocates); each ExternalNetwork they use, once the operator has given
 * this node an address on it. Link-local pairs come from the VNI, probed past collisions in key order.
 */
public final class DesiredRouting {
    private DesiredRouting() {
    }

    public static RoutingDesired of(NodeNetworkDesired overlay, Collection<VirtualMachine> vms,
            Map<String, OverlayNetwork> networks, Collection<ExternalNetwork> externals, OverlayBackend backend) {
        Map<String, VirtualMachine> vmsByUid = new HashMap<>();
        vms.forEach(vm -> vmsByUid.put(vm.getMetadata().getUid(), vm));
        Map<String, ExternalNetwork> externalsByName = new TreeMap<>();
        externals.forEach(e -> externalsByName.put(e.getMetadata().getName(), e));

        List<BridgePortsDesired> bridges = new ArrayList<>();
        Map<String, ExternalDesired> used = new LinkedHashMap<>();
        List<RoutedNetworkDesired> routed = new ArrayList<>();
        Set<Integer> pairs = new HashSet<>();
        List<NetworkDesired> programmed = overlay.networks().stream()
                .filter(n -> backend.unsupported(n).isEmpty())
                .sorted((a, b) -> a.key().compareTo(b.key())).toList();
        for (NetworkDesired network : programmed) {
            if (backend.antiSpoofsOnBridges()) {
                bridges.add(new BridgePortsDesired(InterfaceNames.bridge(network.namespace(), network.name()),
                        network.ports().stream().map(p -> new BridgePortsDesired.Port(tap(p), p.mac(), p.ip())).toList()));
            }
            OverlayNetwork api = networks.get(network.key());
            if (api == null || api.getSpec().router == null || api.getSpec().router.externalNetwork == null) {
                continue;
            }
            String externalName = api.getSpec().router.externalNetwork;
            external(overlay.nodeName(), externalsByName.get(externalName)).ifPresent(e -> used.put(externalName, e));
            LinkLocalPair pair = LinkLocalPair.preferred(network.vni());
            while (!pairs.add(pair.index())) {
                pair = pair.next();
            }
            List<VmInterfaceDesired> interfaces = network.ports().stream()
                    .map(p -> vmInterface(p, vmsByUid.get(p.vmUid()), externalName)).toList();
            routed.add(new RoutedNetworkDesired(network.key(), externalName,
                    InterfaceNames.routerNamespace(overlay.nodeName(), network.namespace(), network.name()),
                    InterfaceNames.routerInside(network.namespace(), network.name()), pair,
                    api.getSpec().router.snat == null || api.getSpec().router.snat, interfaces));
        }
        return new RoutingDesired(overlay.nodeName(), overlay.nodeNetns(), List.copyOf(used.values()), routed, bridges);
    }

    /** The external network as this node uses it, once it has an address for this node. */
    static Optional<ExternalDesired> external(String nodeName, ExternalNetwork external) {
        if (external == null || external.getSpec() == null || external.getSpec().uplink == null
                || external.getStatus() == null || external.getStatus().nodes == null) {
            return Optional.empty();
        }
        var spec = external.getSpec();
        return external.getStatus().nodes.stream()
                .filter(n -> nodeName.equals(n.node) && n.address != null).findFirst()
                .map(n -> new ExternalDesired(external.getMetadata().getName(), spec.uplink.bridge, n.address,
                        Ipv4Subnet.parse(spec.cidr).prefixLength(), spec.gateway));
    }

    private static VmInterfaceDesired vmInterface(PortDesired port, VirtualMachine vm, String externalName) {
        Optional<VirtualMachineSpec.NetworkInterface> spec = Optional.ofNullable(vm)
                .map(v -> v.getSpec().interfaces).orElse(List.of()).stream()
                .filter(i -> port.interfaceName().equals(i.name)).findFirst();
        Optional<String> externalIP = Optional.ofNullable(vm).map(VirtualMachine::getStatus)
                .map(s -> s.interfaces).orElse(List.of()).stream()
                .filter(i -> port.interfaceName().equals(i.name)).findFirst()
                .filter(i -> i.externalNetwork == null || externalName.equals(i.externalNetwork))
                .map((InterfaceStatus i) -> i.externalIP);
        boolean floating = spec.map(s -> s.floatingIP != null).orElse(false);
        List<PortForwardDesired> forwards = spec.map(s -> s.portForwards).orElse(List.of()).stream()
                .map(f -> new PortForwardDesired(f.protocol == null ? "tcp" : f.protocol.name().toLowerCase(), f.port,
                        f.targetPort, Optional.ofNullable(f.source))).toList();
        List<FirewallRuleDesired> firewall = spec.map(s -> s.firewall).orElse(List.of()).stream()
                .map(DesiredRouting::rule).toList();
        return new VmInterfaceDesired(port.vmUid(), port.interfaceName(), tap(port), port.mac(), port.ip(), externalIP,
                floating, forwards, floating ? firewall : List.of());
    }

    private static FirewallRuleDesired rule(VirtualMachineSpec.FirewallRule rule) {
        String protocol = rule.protocol == null ? "any" : rule.protocol.name().toLowerCase();
        boolean ported = "tcp".equals(protocol) || "udp".equals(protocol);
        Optional<String> ports = ported && rule.portFrom != null
                ? Optional.of(rule.portTo == null || rule.portTo.equals(rule.portFrom) ? rule.portFrom.toString()
                        : rule.portFrom + "-" + rule.portTo)
                : Optional.empty();
        return new FirewallRuleDesired(protocol, ports, Optional.ofNullable(rule.source));
    }

    private static String tap(PortDesired port) {
        return InterfaceNames.tap(port.vmUid(), port.interfaceName());
    }
}
