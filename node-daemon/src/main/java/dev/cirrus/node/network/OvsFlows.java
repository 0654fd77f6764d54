package dev.cirrus.node.network;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The integration bridge's OpenFlow table (pure): NORMAL switching, anti-spoofing of every VM tap,
 * plus the guards that keep the distributed gateway local. Every node answers the same gateway IP with the same MAC, so frames
 * from or to the gateway MAC, and ARP naming the gateway IP, are dropped as they come out of a
 * tunnel: no node ever learns the gateway behind a tunnel or hears another node's gateway answer.
 * A VM tap may only send IPv4 from its own MAC and IP, ARP naming its own MAC and IP (or 0.0.0.0,
 * for address probes), and DHCP discovery from 0.0.0.0; all else from it is dropped (the overlays
 * are IPv4). These are flows, not nftables: userspace OVS reads a tap through a packet socket,
 * before any netdev ingress hook, and nft bridge tables do not see an OVS bridge.
 * Rendered in the exact form {@code ovs-ofctl dump-flows --no-stats --no-names} prints, so the
 * observed table compares as a set of lines.
 */
public final class OvsFlows {
    /** Marks Cirrus flows; the whole table is Cirrus's (a foreign flow shows up as drift). */
    public static final String COOKIE = "0xc1";
    public static final String NORMAL = "cookie=" + COOKIE + ",priority=0 actions=NORMAL";
    /** Marks the anti-spoofing flows, so they can be told apart ({@code dump-flows cookie=0xc2/-1}). */
    public static final String PORT_COOKIE = "0xc2";

    private OvsFlows() {
    }

    /** What one tunnel port's guards need. */
    public record TunnelGuard(String port, String gatewayMac, String gatewayIp) {
    }

    /** A VM tap and the only MAC and IP it may send from. */
    public record PortGuard(String port, String mac, String ip) {
    }

    /** @param ofports the OpenFlow port number of each port; guards of ports without one are left out */
    public static Set<String> render(List<TunnelGuard> guards, List<PortGuard> ports, Map<String, Integer> ofports) {
        Set<String> flows = new TreeSet<>();
        flows.add(NORMAL);
        for (PortGuard port : ports) {
            Integer ofport = ofports.get(port.port());
            if (ofport != null && ofport > 0) {
                flows.addAll(antiSpoof(port, ofport));
            }
        }
        for (TunnelGuard guard : guards) {
            Integer ofport = ofports.get(guard.port());
            if (ofport == null || ofport <= 0) {
                continue;
            }
            String prefix = "cookie=" + COOKIE + ",priority=100,";
            String in = "in_port=" + ofport;
            flows.add(prefix + in + ",dl_src=" + guard.gatewayMac() + " actions=drop");
            flows.add(prefix + in + ",dl_dst=" + guard.gatewayMac() + " actions=drop");
            flows.add(prefix + "arp," + in + ",arp_spa=" + guard.gatewayIp() + " actions=drop");
            flows.add(prefix + "arp," + in + ",arp_tpa=" + guard.gatewayIp() + " actions=drop");
        }
        return flows;
    }

    /** Allowed at priority 200, the rest of the port dropped at 190: above the tunnel guards, below nothing. */
    private static List<String> antiSpoof(PortGuard port, int ofport) {
        String allow = "cookie=" + PORT_COOKIE + ",priority=200,";
        String in = "in_port=" + ofport + ",dl_src=" + port.mac().toLowerCase(Locale.ROOT);
        String sha = ",arp_sha=" + port.mac().toLowerCase(Locale.ROOT);
        return List.of(
                allow + "ip," + in + ",nw_src=" + port.ip() + " actions=NORMAL",
                allow + "arp," + in + ",arp_spa=" + port.ip() + sha + " actions=NORMAL",
                allow + "arp," + in + ",arp_spa=0.0.0.0" + sha + " actions=NORMAL",
                allow + "udp," + in + ",nw_src=0.0.0.0,tp_src=68,tp_dst=67 actions=NORMAL",
                "cookie=" + PORT_COOKIE + ",priority=190,in_port=" + ofport + " actions=drop");
    }

    /** Lines of {@code dump-flows --no-stats}, normalised as {@link #render} writes them. */
    public static Set<String> parseDump(String stdout) {
        Set<String> flows = new TreeSet<>();
        for (String line : stdout.lines().toList()) {
            String flow = line.strip();
            if (flow.isEmpty() || flow.startsWith("NXST_FLOW") || flow.startsWith("OFPST_FLOW")) {
                continue;
            }
            flows.add(flow.replaceFirst("^(cookie=0x[0-9a-f]+), ", "$1,"));
        }
        return flows;
    }

    /** The file replace-flows reads (one flow per line). */
    public static String file(Set<String> flows) {
        List<String> lines = new ArrayList<>(flows);
        return String.join("\n", lines) + "\n";
    }
}
