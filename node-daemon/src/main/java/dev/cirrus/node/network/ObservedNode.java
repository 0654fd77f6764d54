package dev.cirrus.node.network;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;

/**
 * What the host looks like now, as far as overlay networks go.
 *
 * @param links      the node namespace's links by name
 * @param fdbPeers   per Cirrus VXLAN device: the remote underlay IPs of its all-zeros (flood) FDB entries
 * @param namespaces every network namespace on the host
 * @param gateways   per existing Cirrus router namespace: the links inside it by name
 * @param dnsmasq    per router namespace (desired or owned): its dnsmasq config file and process
 * @param nftTables  the node namespace's nftables tables of the bridge family
 * @param recorded   what earlier applies recorded as created (the state file)
 */
public record ObservedNode(Map<String, Link> links, Map<String, Set<String>> fdbPeers, Set<String> namespaces,
        Map<String, Map<String, Link>> gateways, Map<String, Dnsmasq> dnsmasq, Set<String> nftTables,
        RecordedState recorded) {
    public ObservedNode {
        links = Map.copyOf(links);
        fdbPeers = Map.copyOf(fdbPeers);
        namespaces = Set.copyOf(namespaces);
        gateways = Map.copyOf(gateways);
        dnsmasq = Map.copyOf(dnsmasq);
        nftTables = Set.copyOf(nftTables);
    }

    /**
     * One link. {@code kind} is the kernel's info_kind ("bridge", "vxlan", "tun", "veth", ...; "" for
     * none); VXLAN fields are empty for other kinds.
     */
    public record Link(String name, int ifindex, String kind, Optional<String> master, int mtu, boolean adminUp,
            boolean lowerUp, String mac, OptionalLong vni, Optional<String> local, OptionalInt dstPort,
            List<String> ipv4Cidrs) {
        public Link {
            ipv4Cidrs = List.copyOf(ipv4Cidrs);
        }
    }

    /** @param alivePid the pid from the pid file, if that process is a dnsmasq living in the expected namespace */
    public record Dnsmasq(Optional<String> config, OptionalInt alivePid) {
    }
}
