package dev.cirrus.node.agent;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.context.ApplicationScoped;

import dev.cirrus.api.v1alpha1.HypervisorStatus.NetworkEntry;

/**
 * What this node last reported programmed, shared between the agent (which learns it) and the
 * heartbeat (which publishes it in the Hypervisor status, a single writer for that object).
 */
@ApplicationScoped
public class NodeReport {
    private final AtomicReference<List<NetworkEntry>> networks = new AtomicReference<>(List.of());
    private final AtomicReference<Integer> vms = new AtomicReference<>(0);
    private volatile Runnable onChange = () -> { };

    public List<NetworkEntry> networks() {
        return networks.get();
    }

    public int vms() {
        return vms.get();
    }

    /** Records the latest report; a change is published at once (peers wait for it to build tunnels). */
    public void update(List<NetworkEntry> latest, int vmCount) {
        List<NetworkEntry> previous = networks.getAndSet(List.copyOf(latest));
        Integer previousVms = vms.getAndSet(vmCount);
        if (!io.fabric8.kubernetes.client.utils.Serialization.asJson(previous).equals(io.fabric8.kubernetes.client.utils.Serialization.asJson(latest))
                || previousVms != vmCount) {
            onChange.run();
        }
    }

    public void onChange(Runnable publisher) {
        this.onChange = publisher;
    }
}
