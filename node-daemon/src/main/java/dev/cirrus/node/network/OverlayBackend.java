package dev.cirrus.node.network;

import java.util.Optional;

/**
 * What router services need to know of the node's overlay backend: which networks it programs
 * (routing builds on those only), and who keeps each VM tap to its own MAC and IP.
 */
public enum OverlayBackend {
    /** Linux bridges: routing adds an nft bridge table per network bridge. */
    LINUX,
    /** The OVS integration bridge guards its taps with OpenFlow rules itself ({@link OvsFlows}). */
    OVS;

    /** @param name cirrus.node.backend: "linux" or "ovs" */
    public static OverlayBackend of(String name) {
        return switch (name) {
            case "linux" -> LINUX;
            case "ovs" -> OVS;
            default -> throw new IllegalArgumentException("cirrus.node.backend must be ovs or linux, not " + name);
        };
    }

    public Optional<String> unsupported(NetworkDesired network) {
        return this == LINUX ? NetworkPlanner.unsupported(network) : OvsNetworkPlanner.unsupported(network);
    }

    /** Whether router services must render anti-spoofing tables for the network bridges. */
    public boolean antiSpoofsOnBridges() {
        return this == LINUX;
    }
}
