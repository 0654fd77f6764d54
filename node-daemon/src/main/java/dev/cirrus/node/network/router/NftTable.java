package dev.cirrus.node.network.router;

import java.util.Optional;

/**
 * One rendered nftables table and where it lives.
 *
 * @param netns   the namespace holding it (empty: the node namespace)
 * @param family  "ip" or "bridge"
 * @param hash    of the rendered text: recorded after apply, so a changed desired state is told
 *                apart from a table changed by hand
 * @param text    the complete table as {@code nft -f} reads it
 */
public record NftTable(Optional<String> netns, String family, String name, String hash, String text) {
    /** Where the table is, for reports and state keys: "netns:family:name". */
    public String id() {
        return id(netns, family, name);
    }

    public static String id(Optional<String> netns, String family, String name) {
        return netns.orElse("") + ":" + family + ":" + name;
    }

    /**
     * Replaces the table in one transaction: create it if absent (so the delete cannot fail), delete
     * it, add the new one. {@code nft -f} commits all or nothing, so there is never a moment with the
     * table half-filled or missing.
     */
    public String replaceScript() {
        return "table " + family + " " + name + "\n" + "delete table " + family + " " + name + "\n" + text;
    }
}
