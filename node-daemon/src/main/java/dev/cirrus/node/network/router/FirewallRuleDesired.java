package dev.cirrus.node.network.router;

import java.util.Optional;

/**
 * One ingress rule of a floating IP.
 *
 * @param protocol "tcp", "udp", "icmp" or "any"
 * @param ports    "22" or "1000-2000" (tcp/udp only; empty = all ports)
 * @param source   source CIDR (empty = anywhere)
 */
public record FirewallRuleDesired(String protocol, Optional<String> ports, Optional<String> source) {
}
