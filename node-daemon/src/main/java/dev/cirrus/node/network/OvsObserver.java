package dev.cirrus.node.network;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import dev.cirrus.node.host.Command;
import dev.cirrus.node.network.ObservedNode.Dnsmasq;
import dev.cirrus.node.network.ObservedNode.Link;

/** Reads the node for the OVS backend: the OVS database and flow table, kernel links, router namespaces. */
public final class OvsObserver {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private final NodeHost node;
    private final OvsClient ovs;
    private final HostObserver routers;
    private final Path stateFile;

    public OvsObserver(NodeHost node, OvsClient ovs, Path stateDir) {
        this.node = node;
        this.ovs = ovs;
        this.routers = new HostObserver(node, new NetworkPlanner(stateDir), new StateFile(stateDir));
        this.stateFile = stateDir.resolve("ovs-state.json");
    }

    public OvsObserved observe(NodeNetworkDesired desired) {
        OvsDb db = ovs.readDb();
        Set<String> flows = db.bridges().containsKey(ovs.settings().bridge()) ? ovs.readFlows() : Set.of();
        Map<String, Link> links = HostObserver.links(node.run("ip", "-json", "-details", "address", "show"));
        Set<String> namespaces = HostObserver.namespaces(node.host().run(Command.of("ip", "-json", "netns", "list")));
        Map<String, Map<String, Link>> gateways = new HashMap<>();
        Map<String, Dnsmasq> dnsmasq = new HashMap<>();
        routers.observeRouters(desired, namespaces, gateways, dnsmasq);
        return new OvsObserved(db, flows, links, namespaces, gateways, dnsmasq, readRecorded());
    }

    OvsRecordedState readRecorded() {
        try {
            return JSON.readValue(stateFile.toFile(), OvsRecordedState.class);
        } catch (IOException e) {
            // Missing or corrupt: it only costs repair messages (ownership comes from external_ids and names).
            return OvsRecordedState.EMPTY;
        }
    }

    void record(OvsRecordedState state) {
        try {
            Files.createDirectories(stateFile.getParent());
            Path temp = stateFile.resolveSibling(stateFile.getFileName() + ".tmp");
            JSON.writeValue(temp.toFile(), state);
            Files.move(temp, stateFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + stateFile, e);
        }
    }
}
