package dev.cirrus.node.network;

import java.util.Map;
import java.util.TreeMap;

/**
 * One port the OVS backend wants on the integration bridge, as its Port and Interface rows should
 * read. Every port carries its owner in external_ids ({@link #NETWORK}, {@link #ROLE}, and the VM
 * or peer), which is how the garbage collector tells Cirrus ports from anyone else's.
 *
 * @param type        the Interface type: "" for a kernel device (tap, veth), "geneve" or "vxlan"
 * @param isProtected OVS Port "protected": protected ports never forward to each other, so a full
 *                    mesh of tunnels with the NORMAL action cannot flood a broadcast tunnel to tunnel
 */
public record OvsPortSpec(String name, int tag, String type, Map<String, String> options,
        Map<String, String> externalIds, boolean isProtected) {
    public static final String NETWORK = "cirrus-network";
    public static final String ROLE = "cirrus-role";
    public static final String VM = "cirrus-vm";
    public static final String PORT = "cirrus-port";
    public static final String PEER = "cirrus-peer";

    public OvsPortSpec {
        options = Map.copyOf(options);
        externalIds = Map.copyOf(externalIds);
    }

    public static OvsPortSpec router(NetworkDesired network, String name, int tag) {
        return new OvsPortSpec(name, tag, "", Map.of(), Map.of(NETWORK, network.key(), ROLE, "router"), false);
    }

    public static OvsPortSpec vm(NetworkDesired network, PortDesired port, String name, int tag) {
        return new OvsPortSpec(name, tag, "", Map.of(),
                Map.of(NETWORK, network.key(), ROLE, "vm", VM, port.vmUid(), PORT, port.key()), false);
    }

    public static OvsPortSpec tunnel(NetworkDesired network, String peer, int tag) {
        return new OvsPortSpec(InterfaceNames.tunnel(network.namespace(), network.name(), peer), tag,
                network.encapsulation(), Map.of("remote_ip", peer, "key", Long.toString(network.vni())),
                Map.of(NETWORK, network.key(), ROLE, "tunnel", PEER, peer), true);
    }

    public boolean isTunnel() {
        return !type.isEmpty();
    }

    /** Whether the rows say what this spec says (extra external_ids set by others are tolerated). */
    public boolean matches(OvsDb.Port port, OvsDb.Interface iface) {
        return port.tag().isPresent() && port.tag().getAsInt() == tag && port.isProtected() == isProtected
                && port.externalIds().entrySet().containsAll(externalIds.entrySet())
                && normalType(iface.type()).equals(type) && iface.options().equals(options);
    }

    /** For plans and logs. */
    public String describe() {
        return name + " tag " + tag + (type.isEmpty() ? "" : " " + type + " " + new TreeMap<>(options))
                + (isProtected ? " protected" : "");
    }

    private static String normalType(String observed) {
        return "system".equals(observed) ? "" : observed;
    }
}
