package dev.cirrus.operator.network;

import dev.cirrus.api.v1alpha1.OverlayNetworkSpec;
import dev.cirrus.operator.ipam.Ipv4;
import dev.cirrus.operator.ipam.Ipv4Cidr;

/**
 * What the schema cannot say about a network's addressing (the schema already checked syntax and
 * containment): the gateway must be a usable host, the DHCP range ordered and clear of the gateway.
 */
public final class SubnetCheck {
    /** The outcome: an error message, or the gateway in effect. */
    public record Result(String error, Ipv4 gateway) {
        public boolean ok() {
            return error == null;
        }
    }

    private SubnetCheck() {
    }

    public static Result check(OverlayNetworkSpec spec) {
        Ipv4Cidr cidr;
        try {
            cidr = Ipv4Cidr.parse(spec.cidr);
        } catch (IllegalArgumentException e) {
            return new Result("invalid cidr: " + e.getMessage(), null);
        }
        Ipv4 gateway = spec.gateway == null ? cidr.firstHost() : Ipv4.parse(spec.gateway);
        if (!cidr.isHost(gateway)) {
            return new Result("gateway " + gateway + " is the network or broadcast address of " + cidr, null);
        }
        if (spec.dhcp != null && spec.dhcp.rangeStart != null && spec.dhcp.rangeEnd != null) {
            Ipv4 start = Ipv4.parse(spec.dhcp.rangeStart);
            Ipv4 end = Ipv4.parse(spec.dhcp.rangeEnd);
            if (start.compareTo(end) > 0) {
                return new Result("dhcp.rangeStart " + start + " is after dhcp.rangeEnd " + end, null);
            }
            if (!cidr.isHost(start) || !cidr.isHost(end)) {
                return new Result("dhcp range " + start + "-" + end + " includes the network or broadcast address", null);
            }
            if (gateway.compareTo(start) >= 0 && gateway.compareTo(end) <= 0) {
                return new Result("dhcp range " + start + "-" + end + " contains the gateway " + gateway, null);
            }
        }
        return new Result(null, gateway);
    }
}
