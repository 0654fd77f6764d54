package dev.cirrus.node.network.router;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Renders the router services' nftables tables (pure). Rules sit on their own lines (nft 1.0.6
 * rejects one-line chains with a trailing rule); the order of VMs and rules is the desired
 * state's, so the same API state always renders the same text.
 */
public final class NftRuleSetRenderer {
    /** Before DNAT (dstnat = -100): the firewall judges the external address and port the client used. */
    static final int INGRESS_PRIORITY = -110;
    private static final String LINK_LOCAL = "169.254.0.0/16";

    private NftRuleSetRenderer() {
    }

    /**
     * The router namespace's table: ingress firewall on the external side (established/related,
     * the floating IPs' rules and the forwards, else drop), DNAT of forwards then floating IPs,
     * SNAT of floating-IP VMs to their floating IP and of the rest to the pair's link-local address.
     */
    public static NftTable router(RoutedNetworkDesired network) {
        String ext = quote(network.routerSide());
        List<String> ingress = new ArrayList<>(List.of("iifname != " + ext + " accept",
                "ct state established,related accept"));
        List<String> inbound = new ArrayList<>();
        List<String> outbound = new ArrayList<>();
        List<String> egress = new ArrayList<>(List.of("ct state established,related accept"));
        for (VmInterfaceDesired nic : network.interfaces()) {
            if (nic.externalIP().isEmpty()) {
                continue;
            }
            String address = nic.externalIP().get();
            if (nic.floating()) {
                nic.firewall().forEach(rule -> ingress.add(firewall(address, rule)));
            }
            for (PortForwardDesired forward : nic.portForwards()) {
                ingress.add("ip daddr " + address + source(forward.source()) + " " + forward.protocol() + " dport "
                        + forward.port() + " accept");
                inbound.add("iifname " + ext + " ip daddr " + address + " " + forward.protocol() + " dport "
                        + forward.port() + " dnat to " + nic.ip() + ":" + forward.targetPort());
            }
        }
        for (VmInterfaceDesired nic : network.interfaces()) {
            if (nic.floating() && nic.externalIP().isPresent()) {
                inbound.add("iifname " + ext + " ip daddr " + nic.externalIP().get() + " dnat to " + nic.ip());
                outbound.add("oifname " + ext + " ip saddr " + nic.ip() + " snat to " + nic.externalIP().get());
                egress.add("oifname " + ext + " ip saddr " + nic.ip() + " accept");
            }
        }
        ingress.add("drop");
        if (network.snat()) {
            outbound.add("oifname " + ext + " snat to " + network.link().routerIp());
        }
        List<String> chains = new ArrayList<>(List.of(
                chain("ingress", "type filter hook prerouting priority " + INGRESS_PRIORITY + "; policy accept;", ingress),
                chain("inbound-nat", "type nat hook prerouting priority dstnat; policy accept;", inbound),
                chain("outbound-nat", "type nat hook postrouting priority srcnat; policy accept;", outbound)));
        if (!network.snat()) {
            // Without SNAT only floating-IP VMs and replies of forwarded connections may leave.
            egress.add("oifname " + ext + " drop");
            chains.add(chain("egress", "type filter hook forward priority filter; policy accept;", egress));
        }
        return table(Optional.of(network.routerNamespace()), "ip", RouterNames.ROUTER_TABLE, chains);
    }

    /**
     * The external namespace's table: SNAT of link-local sources (the routers' SNATed traffic) to
     * the node's address; nothing bounces back out of the uplink (a stale neighbour entry upstream
     * for a removed floating IP gets silence, not a loop); the namespace itself only answers ping.
     */
    public static NftTable external(String netns, ExternalDesired external) {
        String uplink = quote(RouterNames.uplinkInside(external.name()));
        return table(Optional.of(netns), "ip", RouterNames.EXTERNAL_TABLE, List.of(
                chain("input", "type filter hook input priority filter; policy drop;", List.of(
                        "ct state established,related accept",
                        "iifname \"lo\" accept",
                        "icmp type echo-request accept")),
                chain("forward", "type filter hook forward priority filter; policy accept;", List.of(
                        "iifname " + uplink + " oifname " + uplink + " drop")),
                chain("outbound-nat", "type nat hook postrouting priority srcnat; policy accept;", List.of(
                        "oifname " + uplink + " ip saddr " + LINK_LOCAL + " snat to " + external.nodeAddress()))));
    }

    /**
     * Anti-spoofing on one network bridge (node namespace): each VM tap may send only from its own
     * MAC and IP, ARP included (sender 0.0.0.0 allowed for address probes), DHCP discovery from
     * 0.0.0.0 allowed, and no other ethertype (the overlays are IPv4).
     */
    public static NftTable antiSpoof(Optional<String> nodeNetns, BridgePortsDesired bridge) {
        List<String> dispatch = new ArrayList<>();
        List<String> chains = new ArrayList<>();
        for (BridgePortsDesired.Port port : bridge.ports()) {
            String chain = "port-" + port.tap();
            dispatch.add("iifname " + quote(port.tap()) + " jump " + chain);
            chains.add(chain(chain, null, List.of(
                    "ether saddr != " + port.mac() + " drop",
                    "arp saddr ether != " + port.mac() + " drop",
                    "arp saddr ip != { 0.0.0.0, " + port.ip() + " } drop",
                    "ether type arp accept",
                    "ip saddr 0.0.0.0 udp sport 68 udp dport 67 accept",
                    "ip saddr != " + port.ip() + " drop",
                    "ether type ip accept",
                    "drop")));
        }
        chains.add(0, chain("prerouting", "type filter hook prerouting priority filter; policy accept;", dispatch));
        return table(nodeNetns, "bridge", RouterNames.antiSpoofTable(bridge.bridge()), chains);
    }

    private static String firewall(String address, FirewallRuleDesired rule) {
        String match = switch (rule.protocol()) {
            case "any" -> "";
            case "icmp" -> " meta l4proto icmp";
            default -> rule.ports().map(p -> " " + rule.protocol() + " dport " + p)
                    .orElse(" meta l4proto " + rule.protocol());
        };
        return "ip daddr " + address + source(rule.source()) + match + " accept";
    }

    private static String source(Optional<String> cidr) {
        return cidr.filter(c -> !"0.0.0.0/0".equals(c)).map(c -> " ip saddr " + c).orElse("");
    }

    private static String chain(String name, String header, List<String> rules) {
        StringBuilder text = new StringBuilder("\tchain ").append(name).append(" {\n");
        if (header != null) {
            text.append("\t\t").append(header).append('\n');
        }
        rules.forEach(rule -> text.append("\t\t").append(rule).append('\n'));
        return text.append("\t}\n").toString();
    }

    private static NftTable table(Optional<String> netns, String family, String name, List<String> chains) {
        String body = String.join("", chains);
        String hash = RouterNames.hash(family + " " + name + "\n" + body, 16);
        String text = "table " + family + " " + name + " {\n\tcomment \"cirrus " + hash + "\"\n" + body + "}\n";
        return new NftTable(netns, family, name, hash, text);
    }

    private static String quote(String name) {
        return "\"" + name + "\"";
    }
}
