package dev.cirrus.api;

/** Names shared by the operator and the node daemons: the API group, labels, finalizers. */
public final class CirrusApi {
    public static final String GROUP = "cirrus.dev";
    public static final String VERSION = "v1alpha1";

    /** Label on a VirtualMachine naming the node that runs it: the node daemon's watch selector. */
    public static final String NODE_LABEL = GROUP + "/node";

    /** Finalizer the operator puts on VMs: addresses are released only after the node cleaned up. */
    public static final String VM_FINALIZER = GROUP + "/vm-cleanup";
    /** Finalizer a node daemon puts on a VM it acts on; removed once the node holds nothing of it. */
    public static final String NODE_CLEANUP_FINALIZER = GROUP + "/node-cleanup";
    /** Annotation whose new value asks the node to restart the VM's domain (works with kubectl and GitOps). */
    public static final String RESTART_ANNOTATION = GROUP + "/restart";
    /** Finalizer on networks: deletion waits until no VM uses the network. */
    public static final String NETWORK_FINALIZER = GROUP + "/network-in-use";

    private CirrusApi() {
    }
}
