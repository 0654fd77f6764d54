package dev.cirrus.api.v1alpha1;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class ExternalNetworkStatus {
    public Long observedGeneration;
    public List<Condition> conditions = new ArrayList<>();

    @JsonPropertyDescription("Per node, its address on this network (the SNAT source of the overlays routed here), allocated before the node uses it.")
    public List<NodeAddress> nodes = new ArrayList<>();

    @JsonPropertyDescription("Addresses of allocationRange not yet handed out.")
    public Integer freeAddresses;

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class NodeAddress {
        public String node;
        public String address;
    }
}
