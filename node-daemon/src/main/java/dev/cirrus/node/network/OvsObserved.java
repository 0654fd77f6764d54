package dev.cirrus.node.network;

import java.util.Map;
import java.util.Set;

import dev.cirrus.node.network.ObservedNode.Dnsmasq;
import dev.cirrus.node.network.ObservedNode.Link;

/**
 * What the OVS backend sees on the node.
 *
 * @param flows the integration bridge's flow table as {@link OvsFlows#parseDump} normalises it (empty
 *              when the bridge is missing)
 * @param links the node namespace's kernel links (taps, router veths)
 */
public record OvsObserved(OvsDb db, Set<String> flows, Map<String, Link> links, Set<String> namespaces,
        Map<String, Map<String, Link>> gateways, Map<String, Dnsmasq> dnsmasq, OvsRecordedState recorded) {
    public OvsObserved {
        flows = Set.copyOf(flows);
        links = Map.copyOf(links);
        namespaces = Set.copyOf(namespaces);
        gateways = Map.copyOf(gateways);
        dnsmasq = Map.copyOf(dnsmasq);
    }
}
