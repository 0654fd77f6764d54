package dev.cirrus.api.v1alpha1;

/** Protocols a port forward can carry. */
public enum TransportProtocol {
    TCP, UDP
}
