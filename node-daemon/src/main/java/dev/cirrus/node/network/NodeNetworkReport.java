package dev.cirrus.node.network;

import java.util.List;

/**
 * What {@link NetworkDataplane#apply} did and found.
 *
 * @param repairs drift fixed: objects recorded as created earlier that were missing or changed on the host
 * @param actions every action applied, in order (empty when the host already matched)
 * @param failures every action that failed, with the host's error (also in the owning network's or port's message)
 */
public record NodeNetworkReport(List<NetworkReport> networks, List<PortReport> ports, List<String> repairs,
        List<String> actions, List<String> failures) {
    public NodeNetworkReport {
        networks = List.copyOf(networks);
        ports = List.copyOf(ports);
        repairs = List.copyOf(repairs);
        actions = List.copyOf(actions);
        failures = List.copyOf(failures);
    }
}
