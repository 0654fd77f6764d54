package dev.cirrus.operator.vm;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

import dev.cirrus.api.v1alpha1.OverlayNetwork;
import dev.cirrus.api.v1alpha1.VirtualMachine;
import dev.cirrus.api.v1alpha1.VirtualMachineSpec.NetworkInterface;
import dev.cirrus.api.v1alpha1.VirtualMachineStatus.InterfaceStatus;
import dev.cirrus.operator.ipam.Ipv4;
import dev.cirrus.operator.ipam.Ipv4Cidr;
import dev.cirrus.operator.ipam.MacAddresses;
import dev.cirrus.operator.ipam.SubnetPool;
import dev.cirrus.operator.scheduler.NodeInfo;
import dev.cirrus.operator.scheduler.PlacedVm;
import dev.cirrus.operator.scheduler.Placement;
import dev.cirrus.operator.scheduler.Scheduler;
import dev.cirrus.operator.scheduler.VmRequest;

/**
 * Placement and addresses of every VM, decided one VM at a time under one lock. The truth is each
 * VM's status; this also remembers decisions written but not yet seen in the informer cache, so two
 * VMs decided back to back never get the same address or overcommit a node. Rebuilt from the API
 * on start: nothing in here must survive a restart.
 */
public final class VmLedger {
    /** A decided VM: node (empty when unschedulable) and interfaces, or an address failure. */
    public record Decision(Optional<String> node, String scheduleMessage, List<InterfaceStatus> interfaces,
            String failureReason, String failureMessage) {
        public boolean addressed() {
            return failureReason == null;
        }
    }

    /** What the operator decides for one interface (the node daemon's tap/link fields are not part of it). */
    private record Address(String name, String network, String ip, String mac) {
        static Address of(InterfaceStatus i) {
            return new Address(i.name, i.network, i.ip, i.mac);
        }

        InterfaceStatus toStatus() {
            InterfaceStatus status = new InterfaceStatus();
            status.name = name;
            status.network = network;
            status.ip = ip;
            status.mac = mac;
            return status;
        }
    }

    private record Claim(String node, List<Address> interfaces) {
    }

    private final Map<String, Claim> pending = new HashMap<>();

    /**
     * Decides for one VM. {@code cache} is read under the lock: a snapshot taken before another
     * decision pruned a claim the cache has since shown would miss that claim and hand its address out twice.
     */
    public synchronized Decision decide(VirtualMachine vm, Supplier<? extends Collection<VirtualMachine>> cache,
            Map<String, OverlayNetwork> networks, List<NodeInfo> nodes, Set<String> lostNodes) {
        Collection<VirtualMachine> all = cache.get();
        prune(all);
        String uid = vm.getMetadata().getUid();
        Map<String, Claim> others = new HashMap<>();
        for (VirtualMachine other : all) {
            String otherUid = other.getMetadata().getUid();
            if (!otherUid.equals(uid)) {
                others.put(otherUid, pending.getOrDefault(otherUid, claimOf(other)));
            }
        }
        Map<String, VirtualMachine> byUid = new HashMap<>();
        all.forEach(v -> byUid.put(v.getMetadata().getUid(), v));

        Claim mine = pending.getOrDefault(uid, claimOf(vm));
        List<Address> interfaces = new ArrayList<>();
        for (NetworkInterface nic : Optional.ofNullable(vm.getSpec().interfaces).orElse(List.of())) {
            Address held = mine.interfaces().stream()
                    .filter(i -> nic.name.equals(i.name()) && nic.network.equals(i.network())).findFirst().orElse(null);
            OverlayNetwork network = networks.get(vm.getMetadata().getNamespace() + "/" + nic.network);
            AddressResult address = address(vm, nic, held, network, others, byUid);
            if (address.failureReason != null) {
                return new Decision(Optional.empty(), null, List.of(), address.failureReason, address.failureMessage);
            }
            interfaces.add(address.address);
        }

        Optional<String> node = Optional.ofNullable(mine.node()).filter(n -> !lostNodes.contains(n))
                .filter(n -> nodes.stream().anyMatch(i -> i.name().equals(n)));
        String message = node.map(n -> "placed on " + n).orElse(null);
        if (node.isEmpty()) {
            Set<String> excluded = mine.node() == null ? Set.of() : Set.of(mine.node());
            Placement placement = Scheduler.schedule(VmResources.request(vm, excluded), nodes, placed(others, byUid));
            node = placement.node();
            message = placement.reason();
        }
        Claim decided = new Claim(node.orElse(null), interfaces);
        if (!decided.equals(claimOf(vm))) {
            pending.put(uid, decided);
        }
        return new Decision(node, message, interfaces.stream().map(Address::toStatus).toList(), null, null);
    }

    /** The VM is gone: its addresses and place are free. */
    public synchronized void forget(String uid) {
        pending.remove(uid);
    }

    private void prune(Collection<VirtualMachine> all) {
        Map<String, Claim> recorded = new HashMap<>();
        all.forEach(v -> recorded.put(v.getMetadata().getUid(), claimOf(v)));
        pending.entrySet().removeIf(e -> !recorded.containsKey(e.getKey()) || recorded.get(e.getKey()).equals(e.getValue()));
    }

    private static Claim claimOf(VirtualMachine vm) {
        if (vm.getStatus() == null) {
            return new Claim(null, List.of());
        }
        return new Claim(vm.getStatus().nodeName, Optional.ofNullable(vm.getStatus().interfaces).orElse(List.of()).stream()
                .map(Address::of).toList());
    }

    private record AddressResult(Address address, String failureReason, String failureMessage) {
    }

    private static AddressResult address(VirtualMachine vm, NetworkInterface nic, Address held, OverlayNetwork network,
            Map<String, Claim> others, Map<String, VirtualMachine> byUid) {
        String namespace = vm.getMetadata().getNamespace();
        String owner = namespace + "/" + vm.getMetadata().getName();
        Map<Ipv4, String> used = new HashMap<>();
        Set<String> macs = new HashSet<>();
        others.forEach((uid, claim) -> {
            VirtualMachine other = byUid.get(uid);
            for (Address i : claim.interfaces()) {
                if (i.mac() != null) {
                    macs.add(i.mac());
                }
                if (i.ip() != null && namespace.equals(other.getMetadata().getNamespace()) && nic.network.equals(i.network())) {
                    used.put(Ipv4.parse(i.ip()), other.getMetadata().getNamespace() + "/" + other.getMetadata().getName());
                }
            }
        });

        SubnetPool pool = pool(network);
        Optional<Ipv4> requested = Optional.ofNullable(nic.ip).map(Ipv4::parse);
        Optional<Ipv4> kept = Optional.ofNullable(held).map(Address::ip).map(Ipv4::parse)
                .filter(ip -> requested.isEmpty() || requested.get().equals(ip));
        SubnetPool.Grant grant = pool.grant(owner, requested.or(() -> kept), used);
        if (!grant.granted() && requested.isEmpty() && kept.isPresent()) {
            // The held address stopped fitting (it cannot, a cidr is immutable): take a new one.
            grant = pool.grant(owner, Optional.empty(), used);
        }
        if (!grant.granted()) {
            return new AddressResult(null, grant.reason(), "interface " + nic.name + ": " + grant.message());
        }

        String mac;
        if (nic.mac != null) {
            mac = nic.mac.toLowerCase();
            if (macs.contains(mac)) {
                return new AddressResult(null, "MACConflict", "interface " + nic.name + ": MAC " + mac + " is already used");
            }
        } else if (held != null && held.mac() != null) {
            mac = held.mac();
        } else {
            mac = MacAddresses.derive(vm.getMetadata().getUid() + "/" + nic.name, macs);
        }
        return new AddressResult(new Address(nic.name, nic.network, grant.ip().toString(), mac), null, null);
    }

    private static SubnetPool pool(OverlayNetwork network) {
        Ipv4Cidr cidr = Ipv4Cidr.parse(network.getSpec().cidr);
        Ipv4 gateway = Ipv4.parse(network.getStatus().gateway);
        var dhcp = network.getSpec().dhcp;
        Optional<Ipv4> start = dhcp == null ? Optional.empty() : Optional.ofNullable(dhcp.rangeStart).map(Ipv4::parse);
        Optional<Ipv4> end = dhcp == null ? Optional.empty() : Optional.ofNullable(dhcp.rangeEnd).map(Ipv4::parse);
        return SubnetPool.of(cidr, gateway, start, end);
    }

    private static List<PlacedVm> placed(Map<String, Claim> others, Map<String, VirtualMachine> byUid) {
        List<PlacedVm> placed = new ArrayList<>();
        others.forEach((uid, claim) -> {
            if (claim.node() != null) {
                placed.add(VmResources.placed(byUid.get(uid), claim.node()));
            }
        });
        return placed;
    }
}
