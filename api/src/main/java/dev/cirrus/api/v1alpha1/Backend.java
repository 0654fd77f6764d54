package dev.cirrus.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How a node realises overlay networks. */
public enum Backend {
    /** Open vSwitch integration bridge with tunnels. */
    @JsonProperty("ovs") OVS,
    /** Linux bridge + kernel VXLAN device per network. */
    @JsonProperty("linux") LINUX
}
