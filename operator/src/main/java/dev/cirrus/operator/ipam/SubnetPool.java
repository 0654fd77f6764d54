package dev.cirrus.operator.ipam;

import java.util.Map;
import java.util.Optional;

/**
 * The addresses of one network: static addresses may be any host of the subnet but the gateway;
 * dynamic ones come from {@code [dynamicStart, dynamicEnd]} (default: every host).
 */
public record SubnetPool(Ipv4Cidr cidr, Ipv4 gateway, Ipv4 dynamicStart, Ipv4 dynamicEnd) {

    public static SubnetPool of(Ipv4Cidr cidr, Ipv4 gateway, Optional<Ipv4> rangeStart, Optional<Ipv4> rangeEnd) {
        return new SubnetPool(cidr, gateway, rangeStart.orElse(cidr.firstHost()), rangeEnd.orElse(cidr.lastHost()));
    }

    /** The outcome of one request. {@code ip} is set when granted; otherwise {@code reason}/{@code message} say why. */
    public record Grant(Ipv4 ip, String reason, String message) {
        public boolean granted() {
            return ip != null;
        }

        static Grant of(Ipv4 ip) {
            return new Grant(ip, null, null);
        }

        static Grant refused(String reason, String message) {
            return new Grant(null, reason, message);
        }
    }

    /**
     * Grants {@code requested} (static) or the lowest free dynamic address. {@code used} maps each
     * taken address of this network to its holder; {@code owner} is the requester (it may already
     * hold its address).
     */
    public Grant grant(String owner, Optional<Ipv4> requested, Map<Ipv4, String> used) {
        if (requested.isPresent()) {
            Ipv4 ip = requested.get();
            if (!cidr.isHost(ip)) {
                return Grant.refused("IPOutOfRange", ip + " is not a host address of " + cidr);
            }
            if (ip.equals(gateway)) {
                return Grant.refused("IPConflict", ip + " is the network's gateway");
            }
            String holder = used.get(ip);
            if (holder != null && !holder.equals(owner)) {
                return Grant.refused("IPConflict", ip + " is already used by " + holder);
            }
            return Grant.of(ip);
        }
        for (long v = dynamicStart.value(); v <= dynamicEnd.value(); v++) {
            Ipv4 ip = new Ipv4(v);
            if (!ip.equals(gateway) && !used.containsKey(ip)) {
                return Grant.of(ip);
            }
        }
        return Grant.refused("IPExhausted", "no free address left in " + dynamicStart + "-" + dynamicEnd + " of " + cidr);
    }
}
