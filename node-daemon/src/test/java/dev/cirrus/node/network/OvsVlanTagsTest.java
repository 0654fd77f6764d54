package dev.cirrus.node.network;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;

import org.junit.jupiter.api.Test;

class OvsVlanTagsTest {
    private static OvsDb.Port port(String name, int tag, String network) {
        return new OvsDb.Port("u-" + name, name, OptionalInt.of(tag), false, Set.of(),
                network == null ? Map.of() : Map.of(OvsPortSpec.NETWORK, network));
    }

    @Test
    void newNetworksGetTheLowestFreeTagsInKeyOrder() {
        assertThat(OvsVlanTags.allocate(List.of("b/net", "a/net"), List.of()))
                .isEqualTo(Map.of("a/net", 1, "b/net", 2));
    }

    @Test
    void aNetworkKeepsTheTagItsPortsCarry() {
        List<OvsDb.Port> ports = List.of(port("cr1", 7, "b/net"), port("ct1", 7, "b/net"));
        assertThat(OvsVlanTags.allocate(List.of("a/net", "b/net"), ports)).isEqualTo(Map.of("a/net", 1, "b/net", 7));
    }

    @Test
    void aNewNetworkNeverStealsATagInUseEvenIfItSortsFirst() {
        List<OvsDb.Port> ports = List.of(port("cr1", 1, "z/net"));
        assertThat(OvsVlanTags.allocate(List.of("a/net", "z/net"), ports)).isEqualTo(Map.of("a/net", 2, "z/net", 1));
    }

    @Test
    void twoNetworksClaimingOneTagByHandEditAreSplit() {
        List<OvsDb.Port> ports = List.of(port("cr1", 3, "a/net"), port("cr2", 3, "b/net"), port("ct2", 5, "b/net"));
        assertThat(OvsVlanTags.allocate(List.of("a/net", "b/net"), ports)).isEqualTo(Map.of("a/net", 3, "b/net", 5));
    }

    @Test
    void tagsOfForeignPortsAndOfNetworksBeingCollectedAreNeverShared() {
        List<OvsDb.Port> ports = List.of(port("eth9", 1, null), port("cr9", 2, "gone/net"));
        assertThat(OvsVlanTags.allocate(List.of("a/net"), ports)).isEqualTo(Map.of("a/net", 3));
    }
}
