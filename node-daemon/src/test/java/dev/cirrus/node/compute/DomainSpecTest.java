package dev.cirrus.node.compute;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

class DomainSpecTest {
    private static final DomainOwner OWNER = new DomainOwner("uid-1", "green", "web", 1);

    private static DomainSpec.Builder valid() {
        return DomainSpec.builder().name("green_web").uuid("6f1c2b9a-3d4e-4f5a-8b7c-9d0e1f2a3b4c").owner(OWNER)
                .type(DomainType.QEMU).memoryMib(256).rootDisk(Path.of("/root.qcow2")).consoleLog(Path.of("/console.log"));
    }

    @Test
    void aDomainNeedsSomethingToBoot() {
        assertThatThrownBy(() -> valid().rootDisk(null).build())
                .hasMessage("a domain needs a root disk or a direct kernel boot");
    }

    @Test
    void theUuidMustBeCanonical() {
        assertThatThrownBy(() -> valid().uuid("6f1c2b9a3d4e4f5a8b7c9d0e1f2a3b4c").build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> valid().uuid("1-2-3-4-5").build())
                .hasMessage("uuid must be in canonical 8-4-4-4-12 form: 1-2-3-4-5");
    }

    @Test
    void sizesMustBePositive() {
        assertThatThrownBy(() -> valid().vcpus(0).build()).hasMessage("vcpus must be at least 1: 0");
        assertThatThrownBy(() -> valid().memoryMib(0).build()).hasMessage("memoryMib must be at least 1: 0");
    }

    @Test
    void tapsAndMacsMustBeUnique() {
        assertThatThrownBy(() -> valid().nic(DomainNic.ethernetTap("tap1", "52:54:00:00:00:01", null, false))
                .nic(DomainNic.ethernetTap("tap1", "52:54:00:00:00:02", null, false)).build())
                .hasMessage("NIC tap names must be unique");
        assertThatThrownBy(() -> valid().nic(DomainNic.ethernetTap("tap1", "52:54:00:00:00:01", null, false))
                .nic(DomainNic.ethernetTap("tap2", "52:54:00:00:00:01", null, false)).build())
                .hasMessage("NIC MAC addresses must be unique");
    }

    @Test
    void listsAreCopied() {
        DomainSpec spec = valid().dataDisk(Path.of("/d.qcow2")).build();
        assertThatThrownBy(() -> spec.dataDisks().add(Path.of("/x"))).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void nicRulesSayWhatIsWrong() {
        assertThatThrownBy(() -> DomainNic.ethernetTap("a-very-long-tap-name", "52:54:00:00:00:01", null, false))
                .hasMessageStartingWith("tap must be 1-15 characters");
        assertThatThrownBy(() -> DomainNic.ethernetTap("vnet0", "52:54:00:00:00:01", null, false))
                .hasMessageContaining("reserved by libvirt");
        assertThatThrownBy(() -> DomainNic.ethernetTap("tap0", "52-54-00-00-00-01", null, false))
                .hasMessage("mac must look like 52:54:00:12:34:56: 52-54-00-00-00-01");
        assertThatThrownBy(() -> DomainNic.linuxBridge("tap0", "52:54:00:00:00:01", null, null))
                .hasMessage("LINUX_BRIDGE needs a bridge name of 1-15 characters: null");
        assertThatThrownBy(() -> DomainNic.ovsBridge("tap0", "52:54:00:00:00:01", null, "br-int", 4096, true))
                .hasMessage("vlanTag must be between 0 and 4095: 4096");
        assertThatThrownBy(() -> new DomainNic("tap0", "52:54:00:00:00:01", null, NicAttachment.LINUX_BRIDGE, "br0", 5, false))
                .hasMessage("a VLAN tag needs an OVS_BRIDGE attachment");
        assertThatThrownBy(() -> DomainNic.ethernetTap("tap0", "52:54:00:00:00:01", 10, false))
                .hasMessage("mtu must be between 68 and 65535: 10");
    }

    @Test
    void macsAreNormalisedToLowerCase() {
        assertThat(DomainNic.ethernetTap("tap0", "52:54:00:AB:CD:EF", null, false).mac()).isEqualTo("52:54:00:ab:cd:ef");
    }
}
