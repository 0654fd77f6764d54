package dev.cirrus.node.compute;

import java.util.Objects;
import java.util.OptionalLong;

/**
 * A libvirt domain carrying Cirrus metadata, as the node daemon sees it when adopting or collecting.
 *
 * @param name    libvirt domain name
 * @param owner   the VirtualMachine recorded in the domain's metadata
 * @param state   current state
 * @param qemuPid the QEMU process, when running and its pid file is readable
 */
public record OwnedDomain(String name, DomainOwner owner, DomainState state, OptionalLong qemuPid) {
    public OwnedDomain {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(qemuPid, "qemuPid");
    }
}
