package dev.cirrus.node.network;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Host object names derived from stable identities. Kernel interface names are limited to 15
 * characters, so names are a 2-letter Cirrus prefix plus 12 hex digits of SHA-256 (48 bits: the
 * chance of any collision among 100 000 networks or ports on one node is about 2e-5). Hex never
 * spells the {@code ip} keyword {@code brd}. The prefixes are how the garbage collector recognises
 * what Cirrus owns: it touches only names matching {@link #OWNED_LINK}.
 */
public final class InterfaceNames {
    /** Every link name Cirrus may create (and therefore may delete). */
    public static final Pattern OWNED_LINK = Pattern.compile("c[bxtrg][0-9a-f]{12}");
    private static final int HASH_DIGITS = 12;

    private InterfaceNames() {
    }

    public static String bridge(String namespace, String name) {
        return "cb" + hash("network:" + namespace + "/" + name, HASH_DIGITS);
    }

    public static String vxlan(String namespace, String name) {
        return "cx" + hash("network:" + namespace + "/" + name, HASH_DIGITS);
    }

    public static String tap(String vmUid, String interfaceName) {
        return "ct" + hash("port:" + vmUid + "/" + interfaceName, HASH_DIGITS);
    }

    /**
     * An OVS backend tunnel port: one per (network, peer node). Not a kernel link (userspace and
     * kernel datapaths alike keep one shared tunnel device per type), but kept within 15 characters
     * all the same, and outside {@link #OWNED_LINK} so the Linux backend's collector never sees it.
     */
    public static String tunnel(String namespace, String name, String peerUnderlayIp) {
        return "cv" + hash("tunnel:" + namespace + "/" + name + "@" + peerUnderlayIp, HASH_DIGITS);
    }

    /** The router veth end on the network bridge (node side). */
    public static String routerOutside(String namespace, String name) {
        return "cr" + hash("network:" + namespace + "/" + name, HASH_DIGITS);
    }

    /** The router veth end inside the router namespace, holding the gateway address. */
    public static String routerInside(String namespace, String name) {
        return "cg" + hash("network:" + namespace + "/" + name, HASH_DIGITS);
    }

    /** Namespace names are not length-limited; the node name keeps simulated nodes on one host apart. */
    public static String routerNamespace(String nodeName, String namespace, String name) {
        return routerNamespacePrefix(nodeName) + hash("network:" + namespace + "/" + name, 8);
    }

    public static String routerNamespacePrefix(String nodeName) {
        return "cirrus-r-" + nodeName + "-";
    }

    public static boolean isOwnedRouterNamespace(String nodeName, String netns) {
        String prefix = routerNamespacePrefix(nodeName);
        return netns.startsWith(prefix) && netns.substring(prefix.length()).matches("[0-9a-f]{8}");
    }

    /** The nftables (bridge family) table isolating one network's gateway. */
    public static String isolationTable(String namespace, String name) {
        return "cirrus-" + bridge(namespace, name);
    }

    public static boolean isOwnedIsolationTable(String table) {
        return table.startsWith("cirrus-") && table.substring("cirrus-".length()).matches("cb[0-9a-f]{12}");
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
