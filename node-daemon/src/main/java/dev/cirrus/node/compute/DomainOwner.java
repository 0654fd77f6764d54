package dev.cirrus.node.compute;

import java.util.Objects;

/**
 * The VirtualMachine a libvirt domain belongs to, stored in the domain's metadata so that adoption
 * after a daemon restart and garbage collection of orphans need nothing but libvirt itself.
 *
 * @param vmUid      metadata.uid of the VirtualMachine: the identity that survives re-creation under the same name
 * @param namespace  the VM's namespace
 * @param vmName     the VM's name
 * @param generation metadata.generation the domain was rendered from
 */
public record DomainOwner(String vmUid, String namespace, String vmName, long generation) {
    public DomainOwner {
        requireText(vmUid, "vmUid");
        requireText(namespace, "namespace");
        requireText(vmName, "vmName");
        if (generation < 0) {
            throw new IllegalArgumentException("generation must not be negative: " + generation);
        }
    }

    static String requireText(String value, String what) {
        if (Objects.requireNonNull(value, what).isBlank()) {
            throw new IllegalArgumentException(what + " must not be blank");
        }
        return value;
    }
}
