package dev.cirrus.node.network.router;

/**
 * The /31 joining one router namespace to its external namespace, in 169.254.0.0/16: never routed
 * beyond the node, and distinct per network on a node, so overlapping tenant CIDRs never meet in
 * the external namespace (they are SNATed to their own pair's address first).
 *
 * @param index 0..32767: the pair is 169.254.0.0 + 2·index (external side) and + 1 (router side)
 */
public record LinkLocalPair(int index) {
    public static final int PAIRS = 32768;

    public LinkLocalPair {
        if (index < 0 || index >= PAIRS) {
            throw new IllegalArgumentException("link-local pair index out of range: " + index);
        }
    }

    /** The preferred pair of a network, from its VNI (unique in the cluster; collisions are probed away). */
    public static LinkLocalPair preferred(long vni) {
        return new LinkLocalPair((int) (vni % PAIRS));
    }

    public LinkLocalPair next() {
        return new LinkLocalPair((index + 1) % PAIRS);
    }

    public String externalIp() {
        return address(2 * index);
    }

    public String routerIp() {
        return address(2 * index + 1);
    }

    private static String address(int offset) {
        return "169.254." + (offset >> 8) + "." + (offset & 0xff);
    }
}
