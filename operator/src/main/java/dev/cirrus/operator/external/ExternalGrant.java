package dev.cirrus.operator.external;

import dev.cirrus.operator.ipam.Ipv4;

/** The outcome of one external address request: the address, or a reason (a condition reason) and a message. */
public record ExternalGrant(Ipv4 ip, String reason, String message) {
    public static final String CONFLICT = "ExternalIPConflict";
    public static final String EXHAUSTED = "ExternalIPExhausted";
    public static final String OUT_OF_RANGE = "ExternalIPOutOfRange";

    public boolean granted() {
        return ip != null;
    }

    static ExternalGrant of(Ipv4 ip) {
        return new ExternalGrant(ip, null, null);
    }

    static ExternalGrant refused(String reason, String message) {
        return new ExternalGrant(null, reason, message);
    }
}
