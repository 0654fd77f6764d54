package dev.cirrus.node.network;

import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * The rows of the node's Open vSwitch database that the OVS backend reads ({@link OvsDbParser}
 * builds it from {@code ovs-vsctl --format=json list}). Ports and interfaces by name.
 */
public record OvsDb(Map<String, Bridge> bridges, Map<String, Port> ports, Map<String, Interface> interfaces) {
    public static final OvsDb EMPTY = new OvsDb(Map.of(), Map.of(), Map.of());

    public OvsDb {
        bridges = Map.copyOf(bridges);
        ports = Map.copyOf(ports);
        interfaces = Map.copyOf(interfaces);
    }

    /** The names of the ports of one bridge (empty when the bridge is missing). */
    public Set<String> portsOf(String bridge) {
        Bridge b = bridges.get(bridge);
        if (b == null) {
            return Set.of();
        }
        return Set.copyOf(ports.values().stream().filter(p -> b.portUuids().contains(p.uuid())).map(Port::name).toList());
    }

    public record Bridge(String name, String datapathType, Set<String> portUuids, Map<String, String> externalIds) {
        public Bridge {
            portUuids = Set.copyOf(portUuids);
            externalIds = Map.copyOf(externalIds);
        }
    }

    public record Port(String uuid, String name, OptionalInt tag, boolean isProtected, Set<String> interfaceUuids,
            Map<String, String> externalIds) {
        public Port {
            interfaceUuids = Set.copyOf(interfaceUuids);
            externalIds = Map.copyOf(externalIds);
        }
    }

    /**
     * @param ofport the OpenFlow port number; empty or -1 when vswitchd could not set the interface up
     * @param error  vswitchd's complaint, if any
     */
    public record Interface(String uuid, String name, String type, Map<String, String> options, OptionalInt ofport,
            Optional<String> error, Map<String, String> externalIds) {
        public Interface {
            options = Map.copyOf(options);
            externalIds = Map.copyOf(externalIds);
        }

        /** vswitchd accepted it: an OpenFlow port and no error (a broken row has neither, and exits 0). */
        public boolean healthy() {
            return error.isEmpty() && ofport.isPresent() && ofport.getAsInt() > 0;
        }
    }
}
