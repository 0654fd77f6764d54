package dev.cirrus.operator.vm;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import dev.cirrus.api.ConditionTypes;
import dev.cirrus.api.Conditions;
import dev.cirrus.api.v1alpha1.ExternalNetwork;
import dev.cirrus.api.v1alpha1.OverlayNetwork;
import dev.cirrus.api.v1alpha1.VirtualMachine;
import dev.cirrus.api.v1alpha1.VirtualMachineSpec.NetworkInterface;
import dev.cirrus.api.v1alpha1.VirtualMachineStatus.InterfaceStatus;
import dev.cirrus.operator.external.ExternalAddressBook;
import dev.cirrus.operator.external.ExternalGrant;
import dev.cirrus.operator.external.ExternalRange;
import dev.cirrus.operator.external.Holder;
import dev.cirrus.operator.ipam.Ipv4;
import dev.cirrus.operator.status.Verdict;

/**
 * The external address of each VM interface that asks for one (a floating IP, or port forwards
 * without one), on its network's router ExternalNetwork. Addresses the VM no longer asks for are
 * released here; all of them when the VM is gone ({@link #releaseAll}).
 */
final class VmExternalAddresses {
    static final String NO_ROUTER = "NoRouter";
    static final String NETWORK_NOT_FOUND = "ExternalNetworkNotFound";
    static final String NETWORK_NOT_READY = "ExternalNetworkNotReady";

    /** An interface's external address. */
    record Assigned(String ip, String network) {
    }

    /** Addresses per interface name, or why one could not be given. */
    record Outcome(Map<String, Assigned> addresses, Verdict failure) {
        boolean ok() {
            return failure == null;
        }
    }

    private final ExternalAddressBook book;

    VmExternalAddresses(ExternalAddressBook book) {
        this.book = book;
    }

    static boolean wantsExternal(NetworkInterface nic) {
        return nic.floatingIP != null || nic.portForwards != null && !nic.portForwards.isEmpty();
    }

    static boolean wantsExternal(VirtualMachine vm) {
        return vm.getSpec().interfaces != null && vm.getSpec().interfaces.stream().anyMatch(VmExternalAddresses::wantsExternal);
    }

    /**
     * {@code networks} maps namespace/name to the VM's networks, {@code externals} names to
     * ExternalNetworks; {@code recorded} (computed only when needed) gives the addresses in status.
     */
    Outcome allocate(VirtualMachine vm, Map<String, OverlayNetwork> networks, Map<String, ExternalNetwork> externals,
            Supplier<Map<String, Map<Ipv4, Holder>>> recorded) {
        String owner = owner(vm);
        Map<String, Assigned> addresses = new HashMap<>();
        Map<Holder, String> wanted = new HashMap<>();
        List<NetworkInterface> nics = Optional.ofNullable(vm.getSpec().interfaces).orElse(List.of());
        for (NetworkInterface nic : nics) {
            OverlayNetwork network = networks.get(vm.getMetadata().getNamespace() + "/" + nic.network);
            if (wantsExternal(nic) && network != null && network.getSpec().router != null) {
                wanted.put(Holder.vmInterface(owner, nic.name), network.getSpec().router.externalNetwork);
            }
        }
        book.release((network, holder) -> holder.ofVm(owner) && !network.equals(wanted.get(holder)));
        if (nics.stream().noneMatch(VmExternalAddresses::wantsExternal)) {
            return new Outcome(Map.of(), null);
        }
        Map<String, Map<Ipv4, Holder>> inStatus = recorded.get();
        for (NetworkInterface nic : nics) {
            if (!wantsExternal(nic)) {
                continue;
            }
            OverlayNetwork network = networks.get(vm.getMetadata().getNamespace() + "/" + nic.network);
            Verdict usable = usable(nic, network, externals);
            if (!usable.ok() && NETWORK_NOT_READY.equals(usable.reason())) {
                // A bad edit of the ExternalNetwork must not take away what its VMs already hold.
                String externalName = network.getSpec().router.externalNetwork;
                Optional<Ipv4> kept = held(vm, nic.name, externalName);
                if (kept.isPresent()) {
                    addresses.put(nic.name, new Assigned(kept.get().toString(), externalName));
                    continue;
                }
            }
            if (!usable.ok()) {
                return new Outcome(Map.of(), usable);
            }
            String externalName = network.getSpec().router.externalNetwork;
            ExternalRange range = ExternalRange.check(externalName, externals.get(externalName).getSpec()).range();
            Optional<Ipv4> requested = Optional.ofNullable(nic.floatingIP).map(f -> f.address).map(Ipv4::parse);
            ExternalGrant grant = book.grant(range, Holder.vmInterface(owner, nic.name), requested,
                    held(vm, nic.name, externalName), inStatus.getOrDefault(externalName, Map.of()));
            if (!grant.granted()) {
                return new Outcome(Map.of(), Verdict.fail(grant.reason(), "interface " + nic.name + ": " + grant.message()));
            }
            addresses.put(nic.name, new Assigned(grant.ip().toString(), externalName));
        }
        return new Outcome(addresses, null);
    }

    /** The VM is gone (its node cleaned up): its addresses are free. */
    void releaseAll(VirtualMachine vm) {
        String owner = owner(vm);
        book.release((network, holder) -> holder.ofVm(owner));
    }

    /** Writes the addresses into the decided interfaces (same status write as the IPs and MACs). */
    static void apply(List<InterfaceStatus> interfaces, Map<String, Assigned> addresses) {
        for (InterfaceStatus nic : interfaces) {
            Assigned assigned = addresses.get(nic.name);
            nic.externalIP = assigned == null ? null : assigned.ip();
            nic.externalNetwork = assigned == null ? null : assigned.network();
        }
    }

    private static Verdict usable(NetworkInterface nic, OverlayNetwork network, Map<String, ExternalNetwork> externals) {
        String wants = nic.floatingIP != null ? "a floating IP" : "port forwards";
        if (network.getSpec().router == null) {
            return Verdict.fail(NO_ROUTER, "interface " + nic.name + " asks for " + wants + " but network " + nic.network
                    + " has no router (spec.router)");
        }
        String name = network.getSpec().router.externalNetwork;
        ExternalNetwork external = externals.get(name);
        if (external == null) {
            return Verdict.fail(NETWORK_NOT_FOUND, "interface " + nic.name + ": ExternalNetwork " + name + " of network "
                    + nic.network + "'s router not found");
        }
        // Usable once the operator has checked it and its range is valid. Exhaustion (a node without
        // an address) or a pending deletion leave the addresses already held in service.
        var conditions = external.getStatus() == null ? null : external.getStatus().conditions;
        ExternalRange.Checked range = ExternalRange.check(name, external.getSpec());
        if (!range.ok()) {
            return Verdict.fail(NETWORK_NOT_READY, "interface " + nic.name + ": ExternalNetwork " + name + " is not ready: " + range.error());
        }
        if (Conditions.find(conditions, ConditionTypes.READY).isEmpty()) {
            return Verdict.fail(NETWORK_NOT_READY, "interface " + nic.name + ": ExternalNetwork " + name + " is not checked yet");
        }
        return Verdict.ok("Usable", "");
    }

    private static Optional<Ipv4> held(VirtualMachine vm, String nic, String network) {
        if (vm.getStatus() == null || vm.getStatus().interfaces == null) {
            return Optional.empty();
        }
        return vm.getStatus().interfaces.stream()
                .filter(i -> nic.equals(i.name) && network.equals(i.externalNetwork) && i.externalIP != null)
                .findFirst().flatMap(i -> {
                    try {
                        return Optional.of(Ipv4.parse(i.externalIP));
                    } catch (IllegalArgumentException e) {
                        return Optional.empty();
                    }
                });
    }

    private static String owner(VirtualMachine vm) {
        return vm.getMetadata().getNamespace() + "/" + vm.getMetadata().getName();
    }
}
