package dev.cirrus.node.network.router;

import java.util.List;
import java.util.stream.Stream;

/**
 * What {@link RouterDataplane#apply} did and found.
 *
 * @param interfaces one per exposed VM interface (floating IP or forwards)
 * @param repairs    tables repaired (missing, or changed by hand)
 * @param actions    every action applied, in order
 * @param failures   every action that failed, with the host's error
 */
public record RoutingReport(List<ExternalReport> interfaces, List<String> repairs, List<String> actions,
        List<String> failures) {
    public RoutingReport {
        interfaces = List.copyOf(interfaces);
        repairs = List.copyOf(repairs);
        actions = List.copyOf(actions);
        failures = List.copyOf(failures);
    }

    /** Every exposed interface not programmed, for when the apply itself could not run. */
    public static RoutingReport failed(RoutingDesired desired, String message) {
        List<ExternalReport> interfaces = desired.networks().stream()
                .flatMap(n -> n.interfaces().stream()).filter(VmInterfaceDesired::exposed)
                .map(nic -> new ExternalReport(nic.vmUid(), nic.interfaceName(), nic.externalIP(), false, "NotProgrammed",
                        message)).toList();
        return new RoutingReport(interfaces, List.of(), List.of(), Stream.of(message).toList());
    }
}
