package dev.cirrus.node.compute;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;

import org.junit.jupiter.api.Test;

class KvmProbeTest {
    @Test
    void kvmOnlyWhenTheProbeGuestReachedItsExitPort() {
        assertThat(KvmProbe.decide(false, Optional.of(KvmProbe.EXPECTED_EXIT))).isEqualTo(DomainType.QEMU);
        assertThat(KvmProbe.decide(true, Optional.empty())).as("probe could not run").isEqualTo(DomainType.QEMU);
        assertThat(KvmProbe.decide(true, Optional.of(134))).as("aborted: failed to set MSR").isEqualTo(DomainType.QEMU);
        assertThat(KvmProbe.decide(true, Optional.of(124))).as("hung until the timeout").isEqualTo(DomainType.QEMU);
        assertThat(KvmProbe.decide(true, Optional.of(KvmProbe.EXPECTED_EXIT))).isEqualTo(DomainType.KVM);
    }

    @Test
    void firmwareIsHaltsWithTheExitWriteAtTheResetVector() {
        byte[] image = KvmProbe.firmware();
        assertThat(image).hasSize(65536);
        assertThat(image[0xfff0]).isEqualTo((byte) 0xb0);   // mov al, 0x21
        assertThat(image[0xfff1]).isEqualTo((byte) 0x21);
        assertThat(image[0xfff2]).isEqualTo((byte) 0xe6);   // out 0xf4, al
        assertThat(image[0xfff3]).isEqualTo((byte) 0xf4);
        assertThat(image[0]).isEqualTo((byte) 0xf4);        // hlt everywhere else
        assertThat(KvmProbe.EXPECTED_EXIT).isEqualTo(67);
    }
}
