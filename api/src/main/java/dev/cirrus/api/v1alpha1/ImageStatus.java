package dev.cirrus.api.v1alpha1;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;

/**
 * Cluster-level view of an Image. Per-node cache state lives in each node's Hypervisor status
 * (each node writes only its own object), and the operator aggregates it here.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ImageStatus {
    public Long observedGeneration;
    public List<Condition> conditions = new ArrayList<>();

    @JsonPropertyDescription("How many nodes hold the artifact with the right checksum.")
    public Integer availableNodes;

    @JsonPropertyDescription("Size of the artifact in bytes, as reported by the nodes.")
    public Long sizeBytes;
}
