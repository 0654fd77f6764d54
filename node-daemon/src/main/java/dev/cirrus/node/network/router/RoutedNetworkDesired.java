package dev.cirrus.node.network.router;

import java.util.List;

/**
 * One overlay network with a router, on this node.
 *
 * @param key              "namespace/name"
 * @param routerNamespace  the network's router namespace (made by the overlay dataplane)
 * @param gatewayInterface the gateway veth inside it (the overlay side)
 * @param link             the /31 to the external namespace
 * @param snat             whether VMs without a floating IP reach the outside through the node's address
 * @param interfaces       the local VM interfaces on the network
 */
public record RoutedNetworkDesired(String key, String externalNetwork, String routerNamespace,
        String gatewayInterface, LinkLocalPair link, boolean snat, List<VmInterfaceDesired> interfaces) {
    public RoutedNetworkDesired {
        interfaces = List.copyOf(interfaces);
    }

    public String routerSide() {
        return RouterNames.routerSide(key);
    }

    public String externalSide() {
        return RouterNames.externalSide(key);
    }
}
