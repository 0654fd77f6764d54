package dev.cirrus.node.network;

import java.util.List;
import java.util.Optional;

/**
 * One overlay network as this node needs it.
 *
 * @param encapsulation "vxlan" or "geneve" (the Linux backend programs only vxlan)
 * @param peerUnderlayIps underlay addresses of the other nodes that host the network (this node's own
 *                        address is ignored if present)
 * @param ports           this node's VM interfaces on the network (taps, DHCP reservations)
 * @param hostRecords     the DNS names of every VM on the network, on any node (sorted, no duplicates)
 */
public record NetworkDesired(String namespace, String name, long vni, String cidr, String gatewayIp,
        Optional<Integer> mtu, boolean dhcp, Optional<String> dhcpRangeStart, Optional<String> dhcpRangeEnd,
        List<String> dnsServers, Optional<String> searchDomain, String encapsulation,
        List<String> peerUnderlayIps, List<PortDesired> ports, List<HostRecord> hostRecords) {
    public NetworkDesired {
        dnsServers = List.copyOf(dnsServers);
        peerUnderlayIps = List.copyOf(peerUnderlayIps);
        ports = List.copyOf(ports);
        hostRecords = hostRecords.stream().sorted(HostRecord.ORDER).distinct().toList();
    }

    /** A network whose DNS names are those of this node's ports only. */
    public NetworkDesired(String namespace, String name, long vni, String cidr, String gatewayIp,
            Optional<Integer> mtu, boolean dhcp, Optional<String> dhcpRangeStart, Optional<String> dhcpRangeEnd,
            List<String> dnsServers, Optional<String> searchDomain, String encapsulation,
            List<String> peerUnderlayIps, List<PortDesired> ports) {
        this(namespace, name, vni, cidr, gatewayIp, mtu, dhcp, dhcpRangeStart, dhcpRangeEnd, dnsServers, searchDomain,
                encapsulation, peerUnderlayIps, ports, HostRecord.of(ports));
    }

    /** "namespace/name": the network's identity in messages and in the names derived from it. */
    public String key() {
        return namespace + "/" + name;
    }
}
