package dev.cirrus.api.v1alpha1;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;

/** Cluster-level view of a network; per-node programming state lives in each Hypervisor status. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class OverlayNetworkStatus {
    public Long observedGeneration;
    public List<Condition> conditions = new ArrayList<>();

    @JsonPropertyDescription("Cluster-unique virtual network identifier, allocated before any node uses it.")
    public Long vni;

    @JsonPropertyDescription("Gateway address in effect (spec.gateway or the first host of cidr).")
    public String gateway;

    @JsonPropertyDescription("Nodes on which the network is programmed.")
    public Integer readyNodes;

    @JsonPropertyDescription("VM interfaces attached to this network.")
    public Integer attachedVMs;
}
