package dev.cirrus.node.network;

/** @param linkState "up" when the tap is up with carrier (a VM is attached), else "down" */
public record PortReport(String vmUid, String interfaceName, String tap, String linkState, boolean ready,
        String message) {
}
