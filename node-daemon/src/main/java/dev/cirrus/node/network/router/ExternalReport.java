package dev.cirrus.node.network.router;

import java.util.Optional;

/** Whether one VM interface's external address (floating IP and/or forwards) is programmed on this node. */
public record ExternalReport(String vmUid, String interfaceName, Optional<String> externalIP, boolean ready,
        String reason, String message) {
}
