package dev.cirrus.node.agent;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.context.ApplicationScoped;

import dev.cirrus.api.v1alpha1.HypervisorStatus.ImageCacheEntry;
import dev.cirrus.api.v1alpha1.HypervisorStatus.NetworkEntry;
import io.fabric8.kubernetes.client.utils.Serialization;

/**
 * What this node last reported programmed, shared between the agent (which learns it) and the
 * heartbeat (which publishes it in the Hypervisor status, a single writer for that object).
 */
@ApplicationScoped
public class NodeReport {
    private final AtomicReference<List<NetworkEntry>> networks = new AtomicReference<>(List.of());
    private final AtomicReference<Integer> vms = new AtomicReference<>(0);
    private final AtomicReference<List<ImageCacheEntry>> images = new AtomicReference<>(List.of());
    private volatile String domainType;
    private volatile Runnable onChange = () -> { };

    public List<NetworkEntry> networks() {
        return networks.get();
    }

    public int vms() {
        return vms.get();
    }

    public List<ImageCacheEntry> images() {
        return images.get();
    }

    /** Records the latest report; a change is published at once (peers wait for it to build tunnels). */
    public void update(List<NetworkEntry> latest, int vmCount) {
        update(latest, vmCount, images.get());
    }

    /** Also records the image cache's state: an Image turns Ready as soon as one node holds it. */
    public void update(List<NetworkEntry> latest, int vmCount, List<ImageCacheEntry> latestImages) {
        List<NetworkEntry> previous = networks.getAndSet(List.copyOf(latest));
        Integer previousVms = vms.getAndSet(vmCount);
        List<ImageCacheEntry> previousImages = images.getAndSet(List.copyOf(latestImages));
        if (!Serialization.asJson(previous).equals(Serialization.asJson(latest))
                || previousVms != vmCount
                || !Serialization.asJson(previousImages).equals(Serialization.asJson(latestImages))) {
            onChange.run();
        }
    }

    /** The libvirt domain type this node's VMs get (kvm or qemu); null on a node without compute. */
    public String domainType() {
        return domainType;
    }

    public void domainType(String type) {
        this.domainType = type;
        onChange.run();
    }

    public void onChange(Runnable publisher) {
        this.onChange = publisher;
    }
}
