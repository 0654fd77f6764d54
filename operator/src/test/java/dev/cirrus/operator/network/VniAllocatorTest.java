package dev.cirrus.operator.network;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

class VniAllocatorTest {
    private final VniAllocator vnis = new VniAllocator();

    @Test
    void keepsARecordedVniAndHandsOutTheLowestFreeOne() {
        assertThat(vnis.vniFor("a", Map.of("a", 5000L))).contains(5000L);
        assertThat(vnis.vniFor("b", Map.of("a", 5000L))).contains(VniAllocator.FIRST);
    }

    @Test
    void twoNetworksAllocatedBeforeTheCacheCatchesUpGetDifferentVnis() {
        long a = vnis.vniFor("a", Map.of()).orElseThrow();
        long b = vnis.vniFor("b", Map.of()).orElseThrow();
        assertThat(a).isNotEqualTo(b);
        // Asking again before the status is visible returns the same pending VNI.
        assertThat(vnis.vniFor("a", Map.of())).contains(a);
        // Once visible, pending entries are dropped but the VNIs stay taken.
        assertThat(vnis.vniFor("c", Map.of("a", a, "b", b))).contains(VniAllocator.FIRST + 2);
    }

    @Test
    void aDuplicateRecordedVniIsMovedForTheNetworkThatAsksSecond() {
        long moved = vnis.vniFor("b", Map.of("a", 4096L, "b", 4096L)).orElseThrow();
        assertThat(moved).isNotEqualTo(4096L);
        assertThat(vnis.vniFor("a", Map.of("a", 4096L, "b", 4096L))).contains(4096L);
    }

    @Test
    void forgetReleasesAPendingVni() {
        long a = vnis.vniFor("a", Map.of()).orElseThrow();
        vnis.forget("a");
        assertThat(vnis.vniFor("b", Map.of())).contains(a);
    }
}
