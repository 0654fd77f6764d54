package dev.cirrus.node.network;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Node-local VLAN tags that keep networks apart on the one integration bridge (pure). A tag is
 * meaningful only on this node (tunnels carry the VNI), so it is allocated here and recorded where
 * it is used: in the Port rows of the network (tag + external_ids {@code cirrus-network}). A
 * network keeps the tag its ports already carry (so a resync or a daemon restart re-tags nothing);
 * new networks get the lowest free tag, in the order of their keys, which makes allocation
 * deterministic for a given host.
 */
public final class OvsVlanTags {
    public static final int MAX = 4094;

    private OvsVlanTags() {
    }

    /**
     * @param networks the networks to program, by key ("ns/name")
     * @param ports    the observed ports of the integration bridge
     * @throws IllegalStateException when more than 4094 networks share the node
     */
    public static Map<String, Integer> allocate(Collection<String> networks, Collection<OvsDb.Port> ports) {
        Map<String, TreeSet<Integer>> seen = new HashMap<>();
        for (OvsDb.Port port : ports) {
            String network = port.externalIds().get(OvsPortSpec.NETWORK);
            if (network != null && port.tag().isPresent()) {
                seen.computeIfAbsent(network, k -> new TreeSet<>()).add(port.tag().getAsInt());
            }
        }
        List<String> ordered = new TreeSet<>(networks).stream().toList();
        Map<String, Integer> tags = new HashMap<>();
        TreeSet<Integer> used = new TreeSet<>();
        // Existing tags first (lowest one if hand edits left several), so a new network never steals one.
        for (String network : ordered) {
            for (int tag : seen.getOrDefault(network, new TreeSet<>())) {
                if (tag >= 1 && tag <= MAX && !used.contains(tag)) {
                    tags.put(network, tag);
                    used.add(tag);
                    break;
                }
            }
        }
        int next = 1;
        for (String network : ordered) {
            if (tags.containsKey(network)) {
                continue;
            }
            while (used.contains(next)) {
                next++;
            }
            if (next > MAX) {
                throw new IllegalStateException("more than " + MAX + " networks on one node");
            }
            tags.put(network, next);
            used.add(next);
        }
        return Map.copyOf(tags);
    }
}
