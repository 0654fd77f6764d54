package dev.cirrus.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Tunnel encapsulation between nodes. Geneve is the default; VXLAN works on every kernel. */
public enum Encapsulation {
    @JsonProperty("geneve") GENEVE,
    @JsonProperty("vxlan") VXLAN
}
