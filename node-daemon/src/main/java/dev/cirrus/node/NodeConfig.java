package dev.cirrus.node;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** What a node daemon is told about its node (from flags/env in a cluster, the downward API for the name). */
@ConfigMapping(prefix = "cirrus.node")
public interface NodeConfig {
    /** The node's name: the Hypervisor's name and the value of the VMs' cirrus.dev/node label. */
    String name();

    /** Address the other nodes' tunnels reach this node on. */
    Optional<String> underlayIp();

    @WithDefault("1500")
    int underlayMtu();

    /** ovs or linux. */
    @WithDefault("ovs")
    String backend();

    /** Open vSwitch datapath: system (kernel) or netdev (userspace). */
    @WithDefault("system")
    String datapath();

    @WithDefault("10s")
    Duration heartbeatInterval();

    /** CPUs and memory kept for the host itself. */
    @WithDefault("0")
    int reservedCpu();

    @WithDefault("512")
    long reservedMemoryMib();
}
