package dev.cirrus.node.network;

import java.nio.file.Path;

/**
 * Which Open vSwitch instance the OVS backend drives and how: several instances may live on one
 * host (one per simulated node), so every client command names its sockets explicitly instead of
 * relying on the default run directory.
 *
 * @param rundir       the instance's run directory: {@code db.sock} and {@code <bridge>.mgmt} live there
 * @param datapathType "system" (kernel module) or "netdev" (userspace); set on every bridge, because
 *                     an add-br the datapath cannot serve still exits 0
 * @param bridge       the node's one integration bridge
 */
public record OvsSettings(Path rundir, String datapathType, String bridge) {
    public static final String INTEGRATION_BRIDGE = "cirrus-int";

    public OvsSettings {
        if (!"system".equals(datapathType) && !"netdev".equals(datapathType)) {
            throw new IllegalArgumentException("datapath must be system or netdev, not " + datapathType);
        }
    }

    public static OvsSettings of(Path rundir, String datapathType) {
        return new OvsSettings(rundir, datapathType, INTEGRATION_BRIDGE);
    }

    /** The ovs-vsctl --db argument. */
    public String db() {
        return "unix:" + rundir.resolve("db.sock");
    }

    /** The ovs-ofctl target of the integration bridge. */
    public String bridgeControl() {
        return "unix:" + rundir.resolve(bridge + ".mgmt");
    }
}
