package dev.cirrus.node.network.router;

/**
 * One ExternalNetwork as this node needs it.
 *
 * @param uplinkBridge the Linux bridge on the node carrying the external network (made by the node set-up)
 * @param nodeAddress  this node's address on it (ExternalNetwork.status.nodes): the SNAT source
 * @param prefixLength of spec.cidr, for the node address
 */
public record ExternalDesired(String name, String uplinkBridge, String nodeAddress, int prefixLength, String gateway) {
}
