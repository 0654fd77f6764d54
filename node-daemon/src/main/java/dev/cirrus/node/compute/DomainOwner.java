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
 * @param node       the node whose daemon manages the domain (only that daemon may collect it), or null
 *                   when unknown (such a domain is never collected)
 * @param restart    the value of the VM's restart annotation this definition has already answered, or null
 */
public record DomainOwner(String vmUid, String namespace, String vmName, long generation, String node, String restart) {
    public DomainOwner {
        requireText(vmUid, "vmUid");
        requireText(namespace, "namespace");
        requireText(vmName, "vmName");
        if (generation < 0) {
            throw new IllegalArgumentException("generation must not be negative: " + generation);
        }
    }

    /** An owner without node or handled restart (renderer tests, domains not managed by a node daemon). */
    public DomainOwner(String vmUid, String namespace, String vmName, long generation) {
        this(vmUid, namespace, vmName, generation, null, null);
    }

    /** Whether the daemon of {@code nodeName} manages this domain. */
    public boolean managedBy(String nodeName) {
        return node != null && node.equals(nodeName);
    }

    static String requireText(String value, String what) {
        if (Objects.requireNonNull(value, what).isBlank()) {
            throw new IllegalArgumentException(what + " must not be blank");
        }
        return value;
    }
}
