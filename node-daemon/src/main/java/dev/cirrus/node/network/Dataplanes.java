package dev.cirrus.node.network;

import java.nio.file.Path;

import dev.cirrus.node.host.HostCommands;

/** The node's dataplane backend, chosen by configuration (cirrus.node.backend). */
public final class Dataplanes {
    private Dataplanes() {
    }

    /**
     * @param backend   "ovs" or "linux"
     * @param datapath  the OVS datapath type ("system" or "netdev"); ignored by the Linux backend
     * @param ovsRundir the run directory of the node's Open vSwitch; ignored by the Linux backend
     */
    public static NetworkDataplane of(String backend, String datapath, Path ovsRundir, HostCommands host,
            Path stateDir) {
        return switch (backend) {
            case "linux" -> new LinuxNetworkDataplane(host, stateDir);
            case "ovs" -> new OvsNetworkDataplane(host, stateDir, OvsSettings.of(ovsRundir, datapath));
            default -> throw new IllegalArgumentException("cirrus.node.backend must be ovs or linux, not " + backend);
        };
    }
}
