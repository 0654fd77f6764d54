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

    /**
     * The run directory of the node's Open vSwitch instance (ovs backend): the daemon reaches
     * ovsdb-server at {@code <dir>/db.sock} and each bridge at {@code <dir>/<bridge>.mgmt}. A
     * simulated node has its own instance (hack/node-ovs.sh), hence its own directory.
     */
    @WithDefault("/var/run/openvswitch")
    String ovsRundir();

    @WithDefault("10s")
    Duration heartbeatInterval();

    /** Run the agent (watch + program the host). Off only in narrow tests of registration. */
    @WithDefault("true")
    boolean agent();

    /** A network namespace standing for the node (local simulation); empty on a real host. */
    Optional<String> netns();

    /** Where the daemon keeps its per-node state (rendered configs, what it created): default /var/lib/cirrus/<node>. */
    Optional<String> stateDir();

    /** Full resync period, on top of event-driven resyncs (drift is repaired within it). */
    @WithDefault("15s")
    Duration resyncInterval();

    /** CPUs and memory kept for the host itself. */
    @WithDefault("0")
    int reservedCpu();

    @WithDefault("512")
    long reservedMemoryMib();

    /** Run VMs on this node through libvirt. Off until every node has its own libvirtd. */
    @WithDefault("false")
    boolean compute();

    /** Allow Image URLs that resolve to loopback/private/link-local addresses (tests, lab clouds). */
    @WithDefault("false")
    boolean allowPrivateImageUrls();

    /**
     * libvirt domain type: auto (kvm when a probe guest really runs under KVM, see KvmProbe; else
     * qemu), kvm, or qemu (TCG).
     */
    @WithDefault("auto")
    String domainType();

    /** libvirt connection URI of the node's libvirtd. */
    @WithDefault("qemu:///system")
    String libvirtUri();

    /**
     * How long a domain of this node's daemon, or a VM directory, must have had no VM before it is
     * removed (VMs deleted or moved while the daemon was down).
     */
    @WithDefault("10m")
    Duration vmOrphanGracePeriod();

    /** Root of VM files (image cache, disks, seeds, console logs); must be readable by libvirt-qemu. */
    @WithDefault("/var/lib/libvirt/images/cirrus")
    String vmImagesDir();
}
