package dev.cirrus.node.network.router;

import java.util.List;
import java.util.Optional;

/**
 * Everything routing needs on this node (pure, from the API): the external networks its routed
 * networks use, the routed networks with their local VM interfaces, and anti-spoofing for every
 * network bridge on the node (routed or not).
 *
 * @param nodeNetns empty on a real host; in tests the namespace standing for the node
 */
public record RoutingDesired(String nodeName, Optional<String> nodeNetns, List<ExternalDesired> externals,
        List<RoutedNetworkDesired> networks, List<BridgePortsDesired> bridges) {
    public RoutingDesired {
        externals = List.copyOf(externals);
        networks = List.copyOf(networks);
        bridges = List.copyOf(bridges);
    }

    public Optional<ExternalDesired> external(String name) {
        return externals.stream().filter(e -> e.name().equals(name)).findFirst();
    }

    public String externalNamespace(String externalNetwork) {
        return RouterNames.externalNamespace(nodeName, externalNetwork);
    }
}
