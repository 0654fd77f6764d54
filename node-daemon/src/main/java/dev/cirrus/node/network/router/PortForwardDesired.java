package dev.cirrus.node.network.router;

import java.util.Optional;

/** External port → VM port on the interface's external address. @param protocol "tcp" or "udp" */
public record PortForwardDesired(String protocol, int port, int targetPort, Optional<String> source) {
}
