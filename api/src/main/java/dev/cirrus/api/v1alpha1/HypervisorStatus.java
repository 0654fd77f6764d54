package dev.cirrus.api.v1alpha1;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;

/**
 * Written by the node's daemon (capacity, versions, heartbeat, what it holds) and by the
 * operator (Ready after missed heartbeats). Per-node state of images and networks is kept here,
 * so each node writes one object of its own whatever the size of the cluster.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class HypervisorStatus {
    public Long observedGeneration;
    public List<Condition> conditions = new ArrayList<>();

    public Resources capacity;
    @JsonPropertyDescription("What VMs may use: capacity minus the node's reservation.")
    public Resources allocatable;

    @JsonPropertyDescription("Address other nodes' tunnels reach this node on.")
    public String underlayIP;
    public Integer underlayMTU;
    public Backend backend;
    @JsonPropertyDescription("Open vSwitch datapath: system (kernel) or netdev (userspace).")
    public String datapath;
    @JsonPropertyDescription("Encapsulations the node's dataplane supports (geneve, vxlan).")
    public List<String> encapsulations;
    @JsonPropertyDescription("libvirt domain type used: kvm, or qemu (TCG) when KVM does not work.")
    public String domainType;

    public Versions versions;

    @JsonPropertyDescription("Last heartbeat of the node daemon (RFC 3339).")
    public String lastHeartbeatTime;

    @JsonPropertyDescription("Number of VMs placed on the node.")
    public Integer vms;

    @JsonPropertyDescription("Image artifacts held in the node's cache.")
    public List<ImageCacheEntry> images;

    @JsonPropertyDescription("Networks programmed on the node.")
    public List<NetworkEntry> networks;

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Resources {
        public Integer cpu;
        @JsonPropertyDescription("Memory as a quantity, e.g. 16Gi.")
        public String memory;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Versions {
        public String daemon;
        public String kernel;
        public String libvirt;
        public String qemu;
        public String openvswitch;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class ImageCacheEntry {
        public String namespace;
        public String name;
        public String checksum;
        @JsonPropertyDescription("Downloading, Ready or Failed.")
        public String state;
        public Long sizeBytes;
        public String message;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class NetworkEntry {
        public String namespace;
        public String name;
        public Long vni;
        @JsonPropertyDescription("Ready or Failed.")
        public String state;
        public String message;
    }
}
