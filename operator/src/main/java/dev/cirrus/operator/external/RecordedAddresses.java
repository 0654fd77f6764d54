package dev.cirrus.operator.external;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import dev.cirrus.api.v1alpha1.ExternalNetwork;
import dev.cirrus.api.v1alpha1.VirtualMachine;
import dev.cirrus.operator.ipam.Ipv4;

/**
 * The external addresses settled in status, per ExternalNetwork: what the book is rebuilt from
 * after a restart. A VM being deleted still holds its addresses until its node cleaned up.
 */
public final class RecordedAddresses {
    private RecordedAddresses() {
    }

    public static Map<String, Map<Ipv4, Holder>> of(Collection<ExternalNetwork> networks, Collection<VirtualMachine> vms) {
        Map<String, Map<Ipv4, Holder>> recorded = new HashMap<>();
        for (ExternalNetwork network : networks) {
            if (network.getStatus() != null && network.getStatus().nodes != null) {
                Map<Ipv4, Holder> holders = recorded.computeIfAbsent(network.getMetadata().getName(), n -> new HashMap<>());
                network.getStatus().nodes.stream().filter(n -> n.node != null)
                        .forEach(n -> parse(n.address).ifPresent(ip -> holders.put(ip, Holder.node(n.node))));
            }
        }
        for (VirtualMachine vm : vms) {
            if (vm.getStatus() == null || vm.getStatus().interfaces == null) {
                continue;
            }
            String name = vm.getMetadata().getNamespace() + "/" + vm.getMetadata().getName();
            vm.getStatus().interfaces.stream().filter(i -> i.externalNetwork != null && i.name != null)
                    .forEach(i -> parse(i.externalIP).ifPresent(ip -> recorded.computeIfAbsent(i.externalNetwork, n -> new HashMap<>())
                            .put(ip, Holder.vmInterface(name, i.name))));
        }
        return recorded;
    }

    private static Optional<Ipv4> parse(String address) {
        try {
            return Optional.ofNullable(address).map(Ipv4::parse);
        } catch (IllegalArgumentException e) {
            // A hand-edited status cannot stop allocation: an unreadable entry holds nothing.
            return Optional.empty();
        }
    }
}
