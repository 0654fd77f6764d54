package dev.cirrus.operator.external;

import dev.cirrus.api.v1alpha1.ExternalNetworkSpec;
import dev.cirrus.operator.ipam.Ipv4;
import dev.cirrus.operator.ipam.Ipv4Cidr;

/**
 * The addresses of one ExternalNetwork that Cirrus may hand out ({@code allocationRange}), checked
 * for what the schema cannot say: CEL has no ordering of IPs, and the gateway may lie in the cidr
 * but must not be handed out.
 */
public record ExternalRange(String network, Ipv4Cidr cidr, Ipv4 gateway, Ipv4 start, Ipv4 end) {

    /** The outcome of a check: an error message, or the range. */
    public record Checked(String error, ExternalRange range) {
        public boolean ok() {
            return error == null;
        }
    }

    public static Checked check(String network, ExternalNetworkSpec spec) {
        Ipv4Cidr cidr;
        Ipv4 gateway;
        Ipv4 start;
        Ipv4 end;
        try {
            cidr = Ipv4Cidr.parse(spec.cidr);
            gateway = Ipv4.parse(spec.gateway);
            start = Ipv4.parse(spec.allocationRange.start);
            end = Ipv4.parse(spec.allocationRange.end);
        } catch (RuntimeException e) {
            return new Checked("invalid addressing: " + e.getMessage(), null);
        }
        String range = "allocationRange " + start + "-" + end;
        if (start.compareTo(end) > 0) {
            return new Checked(range + ": start is after end", null);
        }
        if (!cidr.isHost(start) || !cidr.isHost(end)) {
            return new Checked(range + " must hold only host addresses of " + cidr + " (not its network or broadcast address)", null);
        }
        if (!cidr.isHost(gateway)) {
            return new Checked("gateway " + gateway + " is not a host address of " + cidr, null);
        }
        if (gateway.compareTo(start) >= 0 && gateway.compareTo(end) <= 0) {
            return new Checked(range + " contains the gateway " + gateway, null);
        }
        return new Checked(null, new ExternalRange(network, cidr, gateway, start, end));
    }

    public boolean contains(Ipv4 ip) {
        return ip.compareTo(start) >= 0 && ip.compareTo(end) <= 0;
    }

    public long size() {
        return end.value() - start.value() + 1;
    }

    @Override
    public String toString() {
        return "allocationRange " + start + "-" + end + " of ExternalNetwork " + network;
    }
}
