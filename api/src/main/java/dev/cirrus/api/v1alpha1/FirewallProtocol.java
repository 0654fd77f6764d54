package dev.cirrus.api.v1alpha1;

/** Protocols an ingress firewall rule can allow. */
public enum FirewallProtocol {
    TCP, UDP, ICMP, Any
}
