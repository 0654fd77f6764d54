package dev.cirrus.node.network;

import java.util.Optional;

/**
 * One piece of drift the dataplane repaired.
 *
 * @param kind    what kind of host object: bridge, vxlan, tap, fdb, router-namespace, gateway, nft-table,
 *                dnsmasq, link (a router veth), or other (a backend that reports text only); a metric label
 * @param object  the host object's name (device, namespace, table; "vxlan dst peer" for an FDB entry)
 * @param owner   the network key ("namespace/name") or the VM port key ("vmUid/interface") it belongs to
 * @param message for logs and events, e.g. "re-created tap ct… (was missing)"
 */
public record Repair(String kind, String object, String owner, String message) {
    public static final String OTHER = "other";

    /** For backends that describe repairs as text only. */
    public static Repair untyped(String message) {
        return new Repair(OTHER, "", "", message);
    }

    /** The VM uid when the repaired object belongs to a VM's interface (its owner is a port key). */
    public Optional<String> vmUid() {
        int slash = owner.indexOf('/');
        return kind.equals("tap") && slash > 0 ? Optional.of(owner.substring(0, slash)) : Optional.empty();
    }
}
