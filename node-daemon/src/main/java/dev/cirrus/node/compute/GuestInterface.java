package dev.cirrus.node.compute;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How the guest configures one NIC (cloud-init network-config), matched by MAC.
 *
 * @param mac           the NIC's MAC, as in the domain XML
 * @param ip            static IPv4 address, or null to use DHCP
 * @param prefixLength  prefix length of {@code ip}'s subnet; null exactly when ip is null
 * @param gateway       default gateway, or null for no default route through this NIC; only with a static ip
 * @param dnsServers    DNS server addresses (may be empty)
 * @param searchDomain  DNS search domain, or null
 * @param mtu           MTU, or null for the guest's default
 */
public record GuestInterface(String mac, String ip, Integer prefixLength, String gateway, List<String> dnsServers,
                             String searchDomain, Integer mtu) {
    private static final Pattern MAC = Pattern.compile("^([0-9a-f]{2}:){5}[0-9a-f]{2}$");
    private static final Pattern IPV4 = Pattern.compile(
            "^((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)$");

    public GuestInterface {
        if (mac == null || !MAC.matcher(mac.toLowerCase(Locale.ROOT)).matches()) {
            throw new IllegalArgumentException("mac must look like 52:54:00:12:34:56: " + mac);
        }
        mac = mac.toLowerCase(Locale.ROOT);
        if (ip != null) {
            requireIpv4(ip, "ip");
            if (prefixLength == null || prefixLength < 0 || prefixLength > 32) {
                throw new IllegalArgumentException("prefixLength must be 0-32 with a static ip: " + prefixLength);
            }
        } else if (prefixLength != null || gateway != null) {
            throw new IllegalArgumentException("prefixLength and gateway need a static ip (DHCP supplies them)");
        }
        if (gateway != null) {
            requireIpv4(gateway, "gateway");
        }
        dnsServers = List.copyOf(dnsServers == null ? List.of() : dnsServers);
        dnsServers.forEach(s -> requireIpv4(s, "dns server"));
        if (mtu != null && (mtu < 68 || mtu > 65535)) {
            throw new IllegalArgumentException("mtu must be between 68 and 65535: " + mtu);
        }
    }

    public static GuestInterface dhcp(String mac, Integer mtu) {
        return new GuestInterface(mac, null, null, null, List.of(), null, mtu);
    }

    boolean usesDhcp() {
        return ip == null;
    }

    private static void requireIpv4(String value, String what) {
        if (!IPV4.matcher(Objects.requireNonNull(value, what)).matches()) {
            throw new IllegalArgumentException(what + " must be an IPv4 address: " + value);
        }
    }
}
