package dev.cirrus.node.network;

import java.util.List;

/**
 * What {@link NetworkDataplane#apply} did and found.
 *
 * @param repairs drift fixed: objects recorded as created earlier that were missing or changed on the host
 * @param actions every action applied, in order (empty when the host already matched)
 * @param failures every action that failed, with the host's error (also in the owning network's or port's message)
 * @param repaired the same repairs as {@code repairs}, structured: the object's kind and owner (for events and metrics)
 */
public record NodeNetworkReport(List<NetworkReport> networks, List<PortReport> ports, List<String> repairs,
        List<String> actions, List<String> failures, List<Repair> repaired) {
    public NodeNetworkReport {
        networks = List.copyOf(networks);
        ports = List.copyOf(ports);
        repairs = List.copyOf(repairs);
        actions = List.copyOf(actions);
        failures = List.copyOf(failures);
        repaired = List.copyOf(repaired);
    }

    /** For a backend that describes its repairs as text only: each becomes a repair of kind "other". */
    public NodeNetworkReport(List<NetworkReport> networks, List<PortReport> ports, List<String> repairs,
            List<String> actions, List<String> failures) {
        this(networks, ports, repairs, actions, failures, repairs.stream().map(Repair::untyped).toList());
    }
}
