package dev.cirrus.node.network;

import java.util.Map;
import java.util.Set;

/**
 * The per-node state file: what Cirrus created and found in place after its last apply. It tells a
 * repair (an object that was there and vanished) from a first creation; ownership for the garbage
 * collector comes from the naming scheme, so a lost state file costs repair messages, not leaks.
 */
public record RecordedState(Set<String> links, Map<String, Set<String>> fdbPeers, Set<String> namespaces,
        Set<String> runningDnsmasq, Set<String> nftTables) {
    public static final RecordedState EMPTY = new RecordedState(Set.of(), Map.of(), Set.of(), Set.of(), Set.of());

    public RecordedState {
        links = Set.copyOf(links);
        fdbPeers = Map.copyOf(fdbPeers);
        namespaces = Set.copyOf(namespaces);
        runningDnsmasq = Set.copyOf(runningDnsmasq);
        nftTables = Set.copyOf(nftTables);
    }
}
