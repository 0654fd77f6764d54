package dev.cirrus.operator.ipam;

/** An IPv4 subnet: its network address and prefix length. */
public record Ipv4Cidr(Ipv4 network, int prefixLength) {
    public Ipv4Cidr {
        if (prefixLength < 0 || prefixLength > 32) {
            throw new IllegalArgumentException("prefix length out of range: " + prefixLength);
        }
        if ((network.value() & ~mask(prefixLength) & 0xFFFF_FFFFL) != 0) {
            throw new IllegalArgumentException(network + "/" + prefixLength + " has host bits set");
        }
    }

    public static Ipv4Cidr parse(String text) {
        int slash = text.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("not a CIDR: " + text);
        }
        return new Ipv4Cidr(Ipv4.parse(text.substring(0, slash)), Integer.parseInt(text.substring(slash + 1)));
    }

    private static long mask(int prefix) {
        return prefix == 0 ? 0 : (0xFFFF_FFFFL << (32 - prefix)) & 0xFFFF_FFFFL;
    }

    public long size() {
        return 1L << (32 - prefixLength);
    }

    public Ipv4 broadcast() {
        return network.plus(size() - 1);
    }

    /** First address a host may use (/31 and /32 have no network/broadcast reservation, RFC 3021). */
    public Ipv4 firstHost() {
        return prefixLength >= 31 ? network : network.plus(1);
    }

    public Ipv4 lastHost() {
        return prefixLength >= 31 ? broadcast() : broadcast().plus(-1);
    }

    public boolean contains(Ipv4 ip) {
        return ip.value() >= network.value() && ip.value() <= broadcast().value();
    }

    public boolean isHost(Ipv4 ip) {
        return ip.value() >= firstHost().value() && ip.value() <= lastHost().value();
    }

    public boolean overlaps(Ipv4Cidr other) {
        return contains(other.network) || other.contains(network);
    }

    @Override
    public String toString() {
        return network + "/" + prefixLength;
    }
}
