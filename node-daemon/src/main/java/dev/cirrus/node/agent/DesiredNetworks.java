package dev.cirrus.node.agent;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import dev.cirrus.api.v1alpha1.Hypervisor;
import dev.cirrus.api.v1alpha1.OverlayNetwork;
import dev.cirrus.api.v1alpha1.VirtualMachine;
import dev.cirrus.api.v1alpha1.VirtualMachineStatus.InterfaceStatus;
import dev.cirrus.node.network.HostRecord;
import dev.cirrus.node.network.NetworkDesired;
import dev.cirrus.node.network.NodeNetworkDesired;
import dev.cirrus.node.network.PortDesired;

/**
 * What this node's dataplane must hold, derived from the API only: the networks its VMs use (with
 * the VNI and gateway the operator allocated), one port per VM interface (with the allocated MAC
 * and IP), and as tunnel peers the other nodes that report the network programmed. A network
 * without a VNI yet, or a VM without addresses yet, is left out: nothing is used before it is
 * in status. The network's DNS names are those of every VM with an address on it, on any node
 * ({@code members}: the VMs of the namespaces whose networks this node hosts).
 */
public final class DesiredNetworks {
    private DesiredNetworks() {
    }

    /** Without knowledge of other nodes' VMs: each network's DNS names are this node's VMs only. */
    public static NodeNetworkDesired of(String nodeName, Optional<String> nodeNetns, String underlayIp, int underlayMtu,
            Collection<VirtualMachine> vms, Map<String, OverlayNetwork> networks, Collection<Hypervisor> hypervisors) {
        return of(nodeName, nodeNetns, underlayIp, underlayMtu, vms, networks, hypervisors, List.of());
    }

    public static NodeNetworkDesired of(String nodeName, Optional<String> nodeNetns, String underlayIp, int underlayMtu,
            Collection<VirtualMachine> vms, Map<String, OverlayNetwork> networks, Collection<Hypervisor> hypervisors,
            Collection<VirtualMachine> members) {
        Map<String, List<PortDesired>> portsByNetwork = new TreeMap<>();
        for (VirtualMachine vm : vms) {
            if (vm.getStatus() == null || !nodeName.equals(vm.getStatus().nodeName) || vm.getStatus().interfaces == null) {
                continue;
            }
            String hostname = hostname(vm);
            for (InterfaceStatus nic : vm.getStatus().interfaces) {
                if (nic.ip == null || nic.mac == null) {
                    continue;
                }
                String key = vm.getMetadata().getNamespace() + "/" + nic.network;
                portsByNetwork.computeIfAbsent(key, k -> new ArrayList<>()).add(new PortDesired(vm.getMetadata().getNamespace(),
                        vm.getMetadata().getName(), vm.getMetadata().getUid(), nic.name, nic.mac, nic.ip, hostname));
            }
        }
        List<NetworkDesired> desired = new ArrayList<>();
        portsByNetwork.forEach((key, ports) -> {
            OverlayNetwork network = networks.get(key);
            if (network == null || network.getStatus() == null || network.getStatus().vni == null || network.getStatus().gateway == null) {
                return;
            }
            desired.add(network(network, peers(nodeName, key, hypervisors), ports, hostRecords(key, ports, members)));
        });
        return new NodeNetworkDesired(nodeName, nodeNetns, underlayIp, underlayMtu, desired);
    }

    /** This node's ports' names plus those of every other VM with an address on the network. */
    static List<HostRecord> hostRecords(String networkKey, List<PortDesired> ports, Collection<VirtualMachine> members) {
        List<HostRecord> records = new ArrayList<>(HostRecord.of(ports));
        for (VirtualMachine vm : members) {
            if (vm.getStatus() == null || vm.getStatus().interfaces == null || vm.getMetadata().getDeletionTimestamp() != null) {
                continue;
            }
            for (InterfaceStatus nic : vm.getStatus().interfaces) {
                if (nic.ip != null && networkKey.equals(vm.getMetadata().getNamespace() + "/" + nic.network)) {
                    records.add(new HostRecord(hostname(vm), nic.ip));
                }
            }
        }
        return records;
    }

    private static String hostname(VirtualMachine vm) {
        return Optional.ofNullable(vm.getSpec().cloudInit).map(c -> c.hostname).orElse(vm.getMetadata().getName());
    }

    private static NetworkDesired network(OverlayNetwork network, List<String> peers, List<PortDesired> ports,
            List<HostRecord> hostRecords) {
        var spec = network.getSpec();
        var dhcp = Optional.ofNullable(spec.dhcp);
        var dns = Optional.ofNullable(spec.dns);
        return new NetworkDesired(network.getMetadata().getNamespace(), network.getMetadata().getName(),
                network.getStatus().vni, spec.cidr, network.getStatus().gateway, Optional.ofNullable(spec.mtu),
                dhcp.map(d -> d.enabled == null || d.enabled).orElse(true),
                dhcp.map(d -> d.rangeStart), dhcp.map(d -> d.rangeEnd),
                dns.map(d -> d.servers).orElse(List.of()), dns.map(d -> d.searchDomain),
                spec.encapsulation == null ? "geneve" : spec.encapsulation.name().toLowerCase(),
                peers, ports, hostRecords);
    }

    /** Other nodes reporting the network programmed, by underlay address. */
    private static List<String> peers(String nodeName, String networkKey, Collection<Hypervisor> hypervisors) {
        return hypervisors.stream()
                .filter(h -> !nodeName.equals(h.getMetadata().getName()))
                .filter(h -> h.getStatus() != null && h.getStatus().underlayIP != null && h.getStatus().networks != null)
                .filter(h -> h.getStatus().networks.stream()
                        .anyMatch(n -> networkKey.equals(n.namespace + "/" + n.name) && "Ready".equals(n.state)))
                .map(h -> h.getStatus().underlayIP)
                .sorted().distinct().toList();
    }

    /** The networks keyed namespace/name. */
    public static Map<String, OverlayNetwork> byKey(Collection<OverlayNetwork> networks) {
        Map<String, OverlayNetwork> map = new TreeMap<>();
        networks.forEach(n -> map.put(n.getMetadata().getNamespace() + "/" + n.getMetadata().getName(), n));
        return map;
    }
}
