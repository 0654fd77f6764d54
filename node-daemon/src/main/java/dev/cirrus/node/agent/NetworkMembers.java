package dev.cirrus.node.agent;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.cirrus.api.v1alpha1.VirtualMachine;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

/**
 * The VMs, on any node, of the namespaces whose networks this node hosts: a network's dnsmasq
 * answers the names of all its VMs, not only the local ones. One informer per such namespace,
 * opened when the node starts hosting a network there and closed when it hosts none, so a node
 * watches only the tenants it serves. Only a change of what DNS is built from (names, addresses,
 * deletion) asks for a resync: VM status churn elsewhere does not wake the loop.
 */
final class NetworkMembers implements AutoCloseable {
    private final KubernetesClient client;
    private final Runnable onChange;
    private final Map<String, SharedIndexInformer<VirtualMachine>> informers = new HashMap<>();

    NetworkMembers(KubernetesClient client, Runnable onChange) {
        this.client = client;
        this.onChange = onChange;
    }

    /** Watches exactly these namespaces from now on; a new informer has listed its VMs when this returns. */
    synchronized void watch(Set<String> namespaces) {
        informers.keySet().removeIf(ns -> {
            if (!namespaces.contains(ns)) {
                informers.get(ns).stop();
                return true;
            }
            return false;
        });
        for (String ns : namespaces) {
            informers.computeIfAbsent(ns, n -> client.resources(VirtualMachine.class).inNamespace(n).inform(handler()));
        }
    }

    synchronized List<VirtualMachine> vms() {
        List<VirtualMachine> all = new ArrayList<>();
        informers.values().forEach(i -> all.addAll(i.getStore().list()));
        return all;
    }

    @Override
    public synchronized void close() {
        informers.values().forEach(SharedIndexInformer::stop);
        informers.clear();
    }

    private ResourceEventHandler<VirtualMachine> handler() {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(VirtualMachine vm) {
                onChange.run();
            }

            @Override
            public void onUpdate(VirtualMachine old, VirtualMachine vm) {
                if (!dnsFacts(old).equals(dnsFacts(vm))) {
                    onChange.run();
                }
            }

            @Override
            public void onDelete(VirtualMachine vm, boolean unknown) {
                onChange.run();
            }
        };
    }

    /** What a VM contributes to its networks' DNS: hostname, network addresses, whether it is going away. */
    private static String dnsFacts(VirtualMachine vm) {
        String hostname = vm.getSpec() == null || vm.getSpec().cloudInit == null ? "" : vm.getSpec().cloudInit.hostname;
        List<String> addresses = vm.getStatus() == null || vm.getStatus().interfaces == null ? List.of()
                : vm.getStatus().interfaces.stream().map(i -> i.network + "=" + i.ip).toList();
        return hostname + "|" + addresses + "|" + vm.getMetadata().getDeletionTimestamp();
    }
}
