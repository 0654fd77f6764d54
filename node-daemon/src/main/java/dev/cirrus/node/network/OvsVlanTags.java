package dev.cirrus.node.network;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Node-local VLAN tags that keep networks apart on the one integration bridge (pure). A tag is
 * meaningful only on this node (tunnels carry the VNI), so it is allocated here and recorded where
 * it is used: in the Port rows of the network (tag + external_ids {@code cirrus-network}). A
 * network keeps the tag its ports already carry (so a resync or a daemon restart re-tags nothing);
 * new networks get the lowest tag no port on the bridge carries, in the order of their keys, which
 * makes allocation deterministic for a given host.
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
        Set<String> wanted = Set.copyOf(networks);
        Map<String, TreeSet<Integer>> seen = new HashMap<>();
        TreeSet<Integer> used = new TreeSet<>();
        for (OvsDb.Port port : ports) {
            String network = port.externalIds().get(OvsPortSpec.NETWORK);
            if (port.tag().isEmpty()) {
                continue;
            }
            if (network != null && wanted.contains(network)) {
                seen.computeIfAbsent(network, k -> new TreeSet<>()).add(port.tag().getAsInt());
            } else {
                // Someone else's port, or one the collector is about to delete: sharing its tag
                // would put it on a tenant's network if the deletion failed.
                used.add(port.tag().getAsInt());
            }
        }
        List<String> ordered = new TreeSet<>(networks).stream().toList();
        Map<String, Integer> tags = new HashMap<>();
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
