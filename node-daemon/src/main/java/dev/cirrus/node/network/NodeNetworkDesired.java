package dev.cirrus.node.network;

import java.util.List;
import java.util.Optional;

/**
 * Everything this node must program for overlay networks: the networks its VMs use and their ports.
 *
 * @param nodeNetns empty on a real host; in tests a namespace standing for the node, inside which
 *                  every node-level command runs
 */
public record NodeNetworkDesired(String nodeName, Optional<String> nodeNetns, String underlayIp, int underlayMtu,
        List<NetworkDesired> networks) {
    public NodeNetworkDesired {
        networks = List.copyOf(networks);
    }
}
