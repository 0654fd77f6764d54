package dev.cirrus.node.network;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;

class InterfaceNamesTest {
    @Test
    void namesFitTheKernelLimitAndAreStable() {
        for (String name : Set.of(InterfaceNames.bridge("green", "net"), InterfaceNames.vxlan("green", "net"),
                InterfaceNames.tap("6f1c2d7e-0000-4000-8000-000000000001", "eth0"),
                InterfaceNames.routerOutside("green", "net"), InterfaceNames.routerInside("green", "net"))) {
            assertThat(name).hasSizeLessThanOrEqualTo(15).isNotEqualTo("brd").doesNotContain("brd");
            assertThat(InterfaceNames.OWNED_LINK.matcher(name).matches()).isTrue();
        }
        assertThat(InterfaceNames.bridge("green", "net")).isEqualTo(InterfaceNames.bridge("green", "net"))
                .startsWith("cb").isNotEqualTo(InterfaceNames.bridge("blue", "net"));
        assertThat(InterfaceNames.bridge("green", "net").substring(2))
                .isEqualTo(InterfaceNames.vxlan("green", "net").substring(2));
        // The separator keeps ("a/b", "c") and ("a", "b/c") apart only if names cannot contain "/": they cannot in Kubernetes.
        assertThat(InterfaceNames.tap("uid", "eth0")).isNotEqualTo(InterfaceNames.tap("uid", "eth1"));
    }

    @Test
    void tunnelPortsArePerNetworkAndPeerAndNeverLookLikeLinuxLinks() {
        String tunnel = InterfaceNames.tunnel("green", "net", "10.99.0.2");
        assertThat(tunnel).hasSize(14).startsWith("cv").isEqualTo(InterfaceNames.tunnel("green", "net", "10.99.0.2"))
                .isNotEqualTo(InterfaceNames.tunnel("green", "net", "10.99.0.3"))
                .isNotEqualTo(InterfaceNames.tunnel("blue", "net", "10.99.0.2"));
        assertThat(InterfaceNames.OWNED_LINK.matcher(tunnel).matches()).isFalse();
        assertThat(OvsNetworkPlanner.OWNED_LINK.matcher(tunnel).matches()).isFalse();
        assertThat(OvsNetworkPlanner.OWNED_LINK.matcher(InterfaceNames.tap("uid", "eth0")).matches()).isTrue();
        assertThat(OvsNetworkPlanner.OWNED_LINK.matcher(InterfaceNames.bridge("green", "net")).matches()).isFalse();
    }

    @Test
    void routerNamespacesAreRecognisedPerNode() {
        String ns = InterfaceNames.routerNamespace("n1", "green", "net");
        assertThat(ns).matches("cirrus-r-n1-[0-9a-f]{8}");
        assertThat(InterfaceNames.isOwnedRouterNamespace("n1", ns)).isTrue();
        assertThat(InterfaceNames.isOwnedRouterNamespace("n10", ns)).isFalse();
        assertThat(InterfaceNames.isOwnedRouterNamespace("n1", InterfaceNames.routerNamespace("n1-x", "green", "net")))
                .isFalse();
    }

    /** 48 bits: P(any collision among 100 000) ≈ n²/2^49 ≈ 1.8e-5; this fixed seed has none. */
    @Test
    void hundredThousandRandomIdentitiesDoNotCollide() {
        Random random = new Random(42);
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 100_000; i++) {
            String name = InterfaceNames.tap(Long.toHexString(random.nextLong()) + "-" + i, "eth" + random.nextInt(4));
            assertThat(seen.add(name)).as("collision at %s", name).isTrue();
            assertThat(name).hasSizeLessThanOrEqualTo(15);
        }
    }
}
