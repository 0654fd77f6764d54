package dev.cirrus.operator.ipam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class Ipv4CidrTest {
    @ParameterizedTest(name = "{0}: hosts {1}..{2}, broadcast {3}")
    @CsvSource({
            "192.168.88.0/24, 192.168.88.1, 192.168.88.254, 192.168.88.255",
            "10.0.0.0/30,     10.0.0.1,     10.0.0.2,       10.0.0.3",
            "10.0.0.0/31,     10.0.0.0,     10.0.0.1,       10.0.0.1",
            "10.0.0.7/32,     10.0.0.7,     10.0.0.7,       10.0.0.7",
            "10.0.0.0/8,      10.0.0.1,     10.255.255.254, 10.255.255.255",
    })
    void hostRangeAndBroadcast(String cidr, String first, String last, String broadcast) {
        Ipv4Cidr c = Ipv4Cidr.parse(cidr);
        assertThat(c.firstHost()).hasToString(first);
        assertThat(c.lastHost()).hasToString(last);
        assertThat(c.broadcast()).hasToString(broadcast);
        assertThat(c).hasToString(cidr);
    }

    @ParameterizedTest
    @ValueSource(strings = {"192.168.88.1/24", "10.0.0.0/33", "10.0.0/24", "256.0.0.0/8", "10.0.0.0", "1.2.3.04x/24"})
    void rejectsMalformedCidrs(String text) {
        assertThatThrownBy(() -> Ipv4Cidr.parse(text)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest(name = "{0} overlaps {1}: {2}")
    @CsvSource({
            "10.20.0.0/24, 10.20.0.0/16, true",
            "10.20.0.0/24, 10.20.1.0/24, false",
            "10.20.0.0/24, 10.20.0.128/25, true",
            "10.0.0.0/8, 11.0.0.0/8, false",
    })
    void overlap(String a, String b, boolean overlaps) {
        assertThat(Ipv4Cidr.parse(a).overlaps(Ipv4Cidr.parse(b))).isEqualTo(overlaps);
        assertThat(Ipv4Cidr.parse(b).overlaps(Ipv4Cidr.parse(a))).isEqualTo(overlaps);
    }

    @ParameterizedTest(name = "{0} in 192.168.88.0/24: contains {1}, host {2}")
    @CsvSource({
            "192.168.88.0,   true,  false",
            "192.168.88.1,   true,  true",
            "192.168.88.255, true,  false",
            "192.168.89.1,   false, false",
    })
    void containsAndHost(String ip, boolean contains, boolean host) {
        Ipv4Cidr c = Ipv4Cidr.parse("192.168.88.0/24");
        assertThat(c.contains(Ipv4.parse(ip))).isEqualTo(contains);
        assertThat(c.isHost(Ipv4.parse(ip))).isEqualTo(host);
    }
}
