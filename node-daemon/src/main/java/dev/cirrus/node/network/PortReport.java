package dev.cirrus.node.network;

import java.util.Optional;

import dev.cirrus.node.network.ObservedNode.Link;

/** @param linkState "up" when the tap is up with carrier (a VM is attached), else "down" */
public record PortReport(String vmUid, String interfaceName, String tap, String linkState, boolean ready,
        String message) {

    /**
     * The verdict on one VM port after an apply, the same for every backend: the first problem in
     * the order network, failed action, missing tap, pending action; else ready.
     *
     * @param tap             the tap as observed after the apply (null: missing, or not looked at)
     * @param networkProblem  why the port's whole network is not in service, as the message to show
     * @param pendingAction   what the plan still has to do for this port
     * @param readyMessage    what a ready port says (where it is attached)
     */
    static PortReport of(PortDesired port, Link tap, Optional<String> networkProblem, Optional<String> failure,
            Optional<String> pendingAction, String readyMessage) {
        String name = InterfaceNames.tap(port.vmUid(), port.interfaceName());
        String linkState = tap != null && tap.adminUp() && tap.lowerUp() ? "up" : "down";
        String message;
        boolean ready = false;
        if (networkProblem.isPresent()) {
            message = networkProblem.get();
        } else if (failure.isPresent()) {
            message = failure.get();
        } else if (tap == null) {
            message = "tap " + name + " is missing";
        } else if (pendingAction.isPresent()) {
            message = "not converged: still to do: " + pendingAction.get();
        } else {
            ready = true;
            message = readyMessage + ("up".equals(linkState) ? "" : " (no carrier: VM not attached yet)");
        }
        return new PortReport(port.vmUid(), port.interfaceName(), name, linkState, ready, message);
    }
}
