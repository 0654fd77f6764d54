package dev.cirrus.node.network;

/** One VM interface on a network, with the address and MAC the operator allocated. */
public record PortDesired(String vmNamespace, String vmName, String vmUid, String interfaceName, String mac,
        String ip, String hostname) {
    /** "vmUid/interfaceName": stable across VM renames and reschedules. */
    public String key() {
        return vmUid + "/" + interfaceName;
    }
}
