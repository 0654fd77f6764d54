package dev.cirrus.node.network;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The integration bridge's OpenFlow table (pure): NORMAL switching, plus the guards that keep the
 * distributed gateway local. Every node answers the same gateway IP with the same MAC, so frames
 * from or to the gateway MAC, and ARP naming the gateway IP, are dropped as they come out of a
 * tunnel: no node ever learns the gateway behind a tunnel or hears another node's gateway answer.
 * Rendered in the exact form {@code ovs-ofctl dump-flows --no-stats --no-names} prints, so the
 * observed table compares as a set of lines.
 */
public final class OvsFlows {
    /** Marks Cirrus flows; the whole table is Cirrus's (a foreign flow shows up as drift). */
    public static final String COOKIE = "0xc1";
    public static final String NORMAL = "cookie=" + COOKIE + ",priority=0 actions=NORMAL";

    private OvsFlows() {
    }

    /** What one tunnel port's guards need. */
    public record TunnelGuard(String port, String gatewayMac, String gatewayIp) {
    }

    /** @param ofports the OpenFlow port number of each tunnel port; guards of ports without one are left out */
    public static Set<String> render(List<TunnelGuard> guards, Map<String, Integer> ofports) {
        Set<String> flows = new TreeSet<>();
        flows.add(NORMAL);
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
