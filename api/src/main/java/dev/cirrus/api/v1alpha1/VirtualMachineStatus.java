package dev.cirrus.api.v1alpha1;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;

/**
 * What the operator decided (node, addresses) and what the node daemon did (domain, phase).
 * Addresses are written here before any node acts on them, so a crash never loses them.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class VirtualMachineStatus {
    public Long observedGeneration;
    public List<Condition> conditions = new ArrayList<>();
    public VmPhase phase;

    @JsonPropertyDescription("Node (Hypervisor name) the VM is placed on.")
    public String nodeName;

    public List<InterfaceStatus> interfaces = new ArrayList<>();

    @JsonPropertyDescription("libvirt domain UUID.")
    public String domainId;

    @JsonPropertyDescription("When the domain last started (RFC 3339).")
    public String bootTime;

    @JsonPropertyDescription("Serial console log file on the node.")
    public String consoleLog;

    @JsonPropertyDescription("VNC display on the node's loopback, host:port.")
    public String vncDisplay;

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class InterfaceStatus {
        public String name;
        public String network;
        public String ip;
        public String mac;
        @JsonPropertyDescription("Host tap device (set by the node daemon).")
        public String tap;
        @JsonPropertyDescription("Link state of the tap: up or down (set by the node daemon).")
        public String linkState;
        @JsonPropertyDescription("External address in effect (floating IP or forwarding address), allocated by the operator.")
        public String externalIP;
        @JsonPropertyDescription("ExternalNetwork the externalIP belongs to.")
        public String externalNetwork;
    }
}
