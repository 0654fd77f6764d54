package dev.cirrus.node.network.router;

import java.util.List;

/** The VM taps of one network bridge and the only MAC and IP each may send from. */
public record BridgePortsDesired(String bridge, List<Port> ports) {
    public BridgePortsDesired {
        ports = List.copyOf(ports);
    }

    public record Port(String tap, String mac, String ip) {
    }
}
