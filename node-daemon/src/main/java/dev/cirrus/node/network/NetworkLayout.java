package dev.cirrus.node.network;

import java.nio.file.Path;
import java.util.HexFormat;

/**
 * The host objects one network gets on one node, derived purely from its identity, so planner,
 * drivers, report and tests agree on every name without sharing state.
 */
public record NetworkLayout(String bridge, String vxlan, String routerNamespace, String routerOutside,
        String routerInside, String isolationTable, String gatewayMac, String gatewayCidr, int mtu,
        DnsmasqFiles dnsmasq) {
    /** VXLAN over IPv4: outer Ethernet 14 + IPv4 20 + UDP 8 + VXLAN 8. */
    public static final int VXLAN_OVERHEAD = 50;

    public static NetworkLayout of(NodeNetworkDesired node, NetworkDesired network, Path stateDir) {
        String routerNs = InterfaceNames.routerNamespace(node.nodeName(), network.namespace(), network.name());
        return new NetworkLayout(
                InterfaceNames.bridge(network.namespace(), network.name()),
                InterfaceNames.vxlan(network.namespace(), network.name()),
                routerNs,
                InterfaceNames.routerOutside(network.namespace(), network.name()),
                InterfaceNames.routerInside(network.namespace(), network.name()),
                InterfaceNames.isolationTable(network.namespace(), network.name()),
                gatewayMac(network.vni()),
                network.gatewayIp() + "/" + Ipv4Subnet.parse(network.cidr()).prefixLength(),
                network.mtu().orElse(node.underlayMtu() - VXLAN_OVERHEAD),
                DnsmasqFiles.of(stateDir, routerNs));
    }

    /**
     * The distributed gateway's MAC: the same on every node (a VM moved to another node keeps a
     * valid ARP entry), different per network. Locally administered, unicast; derived from the VNI.
     */
    public static String gatewayMac(long vni) {
        byte[] mac = {0x02, (byte) 0xc1, 0x00, (byte) (vni >> 16), (byte) (vni >> 8), (byte) vni};
        return HexFormat.ofDelimiter(":").formatHex(mac);
    }

    /** Where one network's dnsmasq keeps its files on this node. */
    public record DnsmasqFiles(Path config, Path pid, Path leases, Path log) {
        public static DnsmasqFiles of(Path stateDir, String routerNamespace) {
            Path dir = stateDir.resolve("dnsmasq");
            return new DnsmasqFiles(dir.resolve(routerNamespace + ".conf"), dir.resolve(routerNamespace + ".pid"),
                    dir.resolve(routerNamespace + ".leases"), dir.resolve(routerNamespace + ".log"));
        }
    }
}
