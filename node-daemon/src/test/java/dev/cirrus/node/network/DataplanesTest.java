package dev.cirrus.node.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import dev.cirrus.node.host.HostCommands;

class DataplanesTest {
    private static final HostCommands NO_HOST = command -> {
        throw new AssertionError("no host command expected: " + command);
    };
    private static final Path STATE = Path.of("/var/lib/cirrus/n1/network");

    @Test
    void theConfiguredBackendIsBuilt() {
        assertThat(Dataplanes.of("linux", "system", Path.of("/run/openvswitch"), NO_HOST, STATE))
                .isInstanceOf(LinuxNetworkDataplane.class);
        assertThat(Dataplanes.of("ovs", "netdev", Path.of("/run/openvswitch"), NO_HOST, STATE))
                .isInstanceOf(OvsNetworkDataplane.class);
    }

    @Test
    void anUnknownBackendOrDatapathIsAClearError() {
        assertThatThrownBy(() -> Dataplanes.of("vpp", "system", Path.of("/run/openvswitch"), NO_HOST, STATE))
                .hasMessageContaining("ovs or linux");
        assertThatThrownBy(() -> Dataplanes.of("ovs", "dpdk", Path.of("/run/openvswitch"), NO_HOST, STATE))
                .hasMessageContaining("system or netdev");
    }
}
