package dev.cirrus.node.network.router;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LinkLocalPairTest {
    @Test
    void pairsAreConsecutiveAddressesOfA31() {
        LinkLocalPair first = new LinkLocalPair(0);
        assertThat(first.externalIp()).isEqualTo("169.254.0.0");
        assertThat(first.routerIp()).isEqualTo("169.254.0.1");
        LinkLocalPair p = LinkLocalPair.preferred(7301);
        assertThat(p.index()).isEqualTo(7301);
        assertThat(p.externalIp()).isEqualTo("169.254.57.10");
        assertThat(p.routerIp()).isEqualTo("169.254.57.11");
        assertThat(new LinkLocalPair(32767).routerIp()).isEqualTo("169.254.255.255");
        assertThat(new LinkLocalPair(32767).next()).isEqualTo(first);
    }
}
