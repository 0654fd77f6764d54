package dev.cirrus.node.network;

/** An IPv4 CIDR, parsed once; only what DHCP and the gateway need. */
public record Ipv4Subnet(long network, int prefixLength) {
    public Ipv4Subnet {
        if (prefixLength < 0 || prefixLength > 32) {
            throw new IllegalArgumentException("bad prefix length " + prefixLength);
        }
    }

    public static Ipv4Subnet parse(String cidr) {
        int slash = cidr.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("not a CIDR: " + cidr);
        }
        int prefix = Integer.parseInt(cidr.substring(slash + 1));
        long mask = mask(prefix);
        return new Ipv4Subnet(toLong(cidr.substring(0, slash)) & mask, prefix);
    }

    public String netmask() {
        return toText(mask(prefixLength));
    }

    public String networkAddress() {
        return toText(network);
    }

    public boolean contains(String ip) {
        return (toLong(ip) & mask(prefixLength)) == network;
    }

    static long toLong(String ip) {
        String[] parts = ip.split("\\.");
        if (parts.length != 4) {
            throw new IllegalArgumentException("not an IPv4 address: " + ip);
        }
        long value = 0;
        for (String part : parts) {
            int octet = Integer.parseInt(part);
            if (octet < 0 || octet > 255) {
                throw new IllegalArgumentException("not an IPv4 address: " + ip);
            }
            value = value << 8 | octet;
        }
        return value;
    }

    static String toText(long value) {
        return (value >> 24 & 255) + "." + (value >> 16 & 255) + "." + (value >> 8 & 255) + "." + (value & 255);
    }

    private static long mask(int prefix) {
        return prefix == 0 ? 0 : (0xFFFFFFFFL << (32 - prefix)) & 0xFFFFFFFFL;
    }
}
