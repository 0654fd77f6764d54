package dev.cirrus.node.network;

/** Programs this node's share of the overlay networks; idempotent, safe to call on every resync. */
public interface NetworkDataplane {
    NodeNetworkReport apply(NodeNetworkDesired desired);
}
