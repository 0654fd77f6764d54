package dev.cirrus.node.network.router;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Names of the host objects router services create, derived from stable identities as in
 * {@code InterfaceNames} (2-letter prefix + 12 hex digits of SHA-256 for links, ≤ 15 characters).
 * The prefixes ce/cf/cp/cq are distinct from the overlay's, so each garbage collector only ever
 * touches its own objects.
 */
public final class RouterNames {
    /** The nftables table in every router namespace (one per namespace, so a fixed name). */
    public static final String ROUTER_TABLE = "cirrus-router";
    /** The nftables table in every external (fip) namespace. */
    public static final String EXTERNAL_TABLE = "cirrus-external";
    private static final String ANTI_SPOOF_PREFIX = "cirrus-as-";
    private static final int HASH_DIGITS = 12;

    private RouterNames() {
    }

    /** Per (node, ExternalNetwork); the node name keeps simulated nodes on one host apart. */
    public static String externalNamespace(String nodeName, String externalNetwork) {
        return externalNamespacePrefix(nodeName) + hash("external:" + externalNetwork, 8);
    }

    public static String externalNamespacePrefix(String nodeName) {
        return "cirrus-x-" + nodeName + "-";
    }

    public static boolean isOwnedExternalNamespace(String nodeName, String netns) {
        String prefix = externalNamespacePrefix(nodeName);
        return netns.startsWith(prefix) && netns.substring(prefix.length()).matches("[0-9a-f]{8}");
    }

    /** The uplink veth end in the node namespace, a port of the uplink bridge. */
    public static String uplinkOutside(String externalNetwork) {
        return "ce" + hash("external:" + externalNetwork, HASH_DIGITS);
    }

    /** The uplink veth end inside the external namespace, holding the node's external address. */
    public static String uplinkInside(String externalNetwork) {
        return "cf" + hash("external:" + externalNetwork, HASH_DIGITS);
    }

    /** The router↔external veth end inside the external namespace. */
    public static String externalSide(String networkKey) {
        return "cp" + hash("network:" + networkKey, HASH_DIGITS);
    }

    /** The router↔external veth end inside the router namespace. */
    public static String routerSide(String networkKey) {
        return "cq" + hash("network:" + networkKey, HASH_DIGITS);
    }

    /** The bridge-family anti-spoofing table for one network bridge (in the node namespace). */
    public static String antiSpoofTable(String bridge) {
        return ANTI_SPOOF_PREFIX + bridge;
    }

    public static boolean isOwnedAntiSpoofTable(String table) {
        return table.startsWith(ANTI_SPOOF_PREFIX) && table.substring(ANTI_SPOOF_PREFIX.length()).matches("cb[0-9a-f]{12}");
    }

    static String hash(String identity, int digits) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(identity.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest).substring(0, digits);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is mandatory in every JVM", e);
        }
    }
}
