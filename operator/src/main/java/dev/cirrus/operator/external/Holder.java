package dev.cirrus.operator.external;

import java.util.Objects;

/**
 * Who holds an external address: a node (its SNAT source, {@code ExternalNetwork.status.nodes}) or
 * one interface of a VM (its floating or forwarding address, {@code status.interfaces[].externalIP}).
 */
public record Holder(String node, String vm, String nic) {
    public Holder {
        if ((node == null) == (vm == null)) {
            throw new IllegalArgumentException("a holder is either a node or a VM interface");
        }
    }

    public static Holder node(String name) {
        return new Holder(Objects.requireNonNull(name), null, null);
    }

    /** {@code vm} is namespace/name. */
    public static Holder vmInterface(String vm, String nic) {
        return new Holder(null, Objects.requireNonNull(vm), Objects.requireNonNull(nic));
    }

    public boolean isNode() {
        return node != null;
    }

    public boolean ofVm(String namespacedName) {
        return namespacedName.equals(vm);
    }

    @Override
    public String toString() {
        return isNode() ? "node " + node : vm + " (interface " + nic + ")";
    }
}
