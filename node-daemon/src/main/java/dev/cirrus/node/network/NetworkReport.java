package dev.cirrus.node.network;

public record NetworkReport(String namespace, String name, long vni, boolean ready, String message) {
}
