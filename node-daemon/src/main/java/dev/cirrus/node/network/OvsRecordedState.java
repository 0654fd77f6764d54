package dev.cirrus.node.network;

import java.util.Set;

/**
 * What the OVS backend found in place after its last apply (the OVS counterpart of
 * {@link RecordedState}, in its own file): tells a repair from a first creation. Ownership for
 * the garbage collector comes from external_ids and names, so losing it costs only repair messages.
 */
public record OvsRecordedState(Set<String> bridges, Set<String> ports, Set<String> links, Set<String> namespaces,
        Set<String> runningDnsmasq, boolean flows) {
    public static final OvsRecordedState EMPTY = new OvsRecordedState(Set.of(), Set.of(), Set.of(), Set.of(), Set.of(),
            false);

    public OvsRecordedState {
        bridges = Set.copyOf(bridges);
        ports = Set.copyOf(ports);
        links = Set.copyOf(links);
        namespaces = Set.copyOf(namespaces);
        runningDnsmasq = Set.copyOf(runningDnsmasq);
    }
}
