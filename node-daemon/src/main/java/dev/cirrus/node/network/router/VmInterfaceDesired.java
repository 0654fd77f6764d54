package dev.cirrus.node.network.router;

import java.util.List;
import java.util.Optional;

/**
 * One local VM interface as routing sees it.
 *
 * @param externalIP the operator-allocated external address (floating IP, or the forwards' address);
 *                   empty until the operator has allocated it
 * @param floating   whether the interface asks for a 1:1 floating IP (else externalIP only carries the forwards)
 */
public record VmInterfaceDesired(String vmUid, String interfaceName, String tap, String mac, String ip,
        Optional<String> externalIP, boolean floating, List<PortForwardDesired> portForwards,
        List<FirewallRuleDesired> firewall) {
    public VmInterfaceDesired {
        portForwards = List.copyOf(portForwards);
        firewall = List.copyOf(firewall);
    }

    /** "vmUid/interfaceName", as the overlay's port key. */
    public String key() {
        return vmUid + "/" + interfaceName;
    }

    /** The external address to route here: only while something (floating IP, forwards) uses it. */
    public Optional<String> routedIP() {
        return exposed() ? externalIP : Optional.empty();
    }

    /** Whether the interface asks to be reached from the outside (the ExternalReady condition is about it). */
    public boolean exposed() {
        return floating || !portForwards.isEmpty();
    }
}
