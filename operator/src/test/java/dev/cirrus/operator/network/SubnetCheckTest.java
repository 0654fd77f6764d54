package dev.cirrus.operator.network;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cirrus.api.v1alpha1.OverlayNetworkSpec;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SubnetCheckTest {
    @ParameterizedTest(name = "{0} gw={1} range={2}-{3}")
    @CsvSource(nullValues = "-", value = {
            "192.168.88.0/24, -,              -,             -,             192.168.88.1,   -",
            "192.168.88.0/24, 192.168.88.254, -,             -,             192.168.88.254, -",
            "10.0.0.0/30,     -,              -,             -,             10.0.0.1,       -",
            "192.168.88.0/24, 192.168.88.0,   -,             -,             -,              gateway 192.168.88.0 is the network or broadcast address of 192.168.88.0/24",
            "192.168.88.0/24, 192.168.88.255, -,             -,             -,              gateway 192.168.88.255 is the network or broadcast address of 192.168.88.0/24",
            "192.168.88.0/24, -,              192.168.88.50, 192.168.88.10, -,              dhcp.rangeStart 192.168.88.50 is after dhcp.rangeEnd 192.168.88.10",
            "192.168.88.0/24, -,              192.168.88.1,  192.168.88.10, -,              dhcp range 192.168.88.1-192.168.88.10 contains the gateway 192.168.88.1",
            "192.168.88.0/24, -,              192.168.88.0,  192.168.88.10, -,              dhcp range 192.168.88.0-192.168.88.10 includes the network or broadcast address",
            "192.168.88.0/24, -,              192.168.88.100, 192.168.88.199, 192.168.88.1, -",
    })
    void check(String cidr, String gateway, String rangeStart, String rangeEnd, String expectedGateway, String error) {
        OverlayNetworkSpec spec = new OverlayNetworkSpec();
        spec.cidr = cidr;
        spec.gateway = gateway;
        if (rangeStart != null) {
            spec.dhcp = new OverlayNetworkSpec.Dhcp();
            spec.dhcp.rangeStart = rangeStart;
            spec.dhcp.rangeEnd = rangeEnd;
        }
        SubnetCheck.Result result = SubnetCheck.check(spec);
        assertThat(result.error()).isEqualTo(error);
        assertThat(result.gateway() == null ? null : result.gateway().toString()).isEqualTo(expectedGateway);
    }
}
