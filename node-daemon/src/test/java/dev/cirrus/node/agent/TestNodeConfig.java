package dev.cirrus.node.agent;

import java.time.Duration;
import java.util.Optional;

import dev.cirrus.node.NodeConfig;

/**
 * A node daemon's configuration for tests that run daemons in-process (or as a child process, see
 * {@link NodeDaemonProcess}): fast heartbeats and resyncs, the Linux backend, networking only in a
 * namespace node, or compute too (images may then come from loopback).
 */
record TestNodeConfig(String name, Optional<String> netns, String underlay, String state, boolean compute,
        String vmImagesDir, String libvirtUri, Duration vmOrphanGracePeriod) implements NodeConfig {

    /** A namespace "node" that programs networks only. */
    static TestNodeConfig network(String name, String netns, String underlay, String state) {
        return new TestNodeConfig(name, Optional.of(netns), underlay, state, false, "/var/lib/libvirt/images/cirrus",
                "qemu:///system", Duration.ofMinutes(10));
    }

    /** A node in the host namespace that also runs VMs on the host's libvirtd. */
    static TestNodeConfig compute(String name, String state, String vmImagesDir) {
        return new TestNodeConfig(name, Optional.empty(), "127.0.0.1", state, true, vmImagesDir, "qemu:///system",
                Duration.ofMinutes(10));
    }

    /** A namespace node that also runs VMs on its own libvirtd (hack/node-libvirtd.sh). */
    static TestNodeConfig compute(String name, String netns, String underlay, String state, String vmImagesDir,
                                  String libvirtUri, Duration orphanGrace) {
        return new TestNodeConfig(name, Optional.of(netns), underlay, state, true, vmImagesDir, libvirtUri, orphanGrace);
    }

    @Override
    public Optional<String> underlayIp() {
        return Optional.of(underlay);
    }

    @Override
    public int underlayMtu() {
        return 1500;
    }

    @Override
    public String backend() {
        return "linux";
    }

    @Override
    public String datapath() {
        return "system";
    }

    @Override
    public String ovsRundir() {
        return "/var/run/openvswitch";
    }

    @Override
    public Duration heartbeatInterval() {
        return Duration.ofSeconds(2);
    }

    @Override
    public boolean agent() {
        return true;
    }

    @Override
    public Optional<String> stateDir() {
        return Optional.of(state);
    }

    @Override
    public Duration resyncInterval() {
        return Duration.ofSeconds(3);
    }

    @Override
    public int reservedCpu() {
        return 0;
    }

    @Override
    public long reservedMemoryMib() {
        return 512;
    }

    @Override
    public boolean allowPrivateImageUrls() {
        return compute;
    }

    @Override
    public String domainType() {
        return "qemu";
    }
}
