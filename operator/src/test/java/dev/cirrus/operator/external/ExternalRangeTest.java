package dev.cirrus.operator.external;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cirrus.api.v1alpha1.ExternalNetworkSpec;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ExternalRangeTest {

    @ParameterizedTest(name = "{0} gw {1} range {2}-{3} → {4}")
    @CsvSource(nullValues = "-", delimiter = '|', value = {
            "203.0.113.0/24 | 203.0.113.1   | 203.0.113.100 | 203.0.113.199 | -",
            "203.0.113.0/24 | 203.0.113.1   | 203.0.113.100 | 203.0.113.100 | -",
            "203.0.113.0/24 | 203.0.113.1   | 203.0.113.199 | 203.0.113.100 | allocationRange 203.0.113.199-203.0.113.100: start is after end",
            "203.0.113.0/24 | 203.0.113.150 | 203.0.113.100 | 203.0.113.199 | allocationRange 203.0.113.100-203.0.113.199 contains the gateway 203.0.113.150",
            "203.0.113.0/24 | 203.0.113.1   | 203.0.113.1   | 203.0.113.9   | allocationRange 203.0.113.1-203.0.113.9 contains the gateway 203.0.113.1",
            "203.0.113.0/24 | 203.0.113.1   | 203.0.113.0   | 203.0.113.9   | allocationRange 203.0.113.0-203.0.113.9 must hold only host addresses of 203.0.113.0/24 (not its network or broadcast address)",
            "203.0.113.0/24 | 203.0.113.1   | 203.0.113.200 | 203.0.113.255 | allocationRange 203.0.113.200-203.0.113.255 must hold only host addresses of 203.0.113.0/24 (not its network or broadcast address)",
            "203.0.113.0/24 | 203.0.113.1   | 203.0.114.10  | 203.0.114.20  | allocationRange 203.0.114.10-203.0.114.20 must hold only host addresses of 203.0.113.0/24 (not its network or broadcast address)",
            "203.0.113.0/24 | 203.0.113.255 | 203.0.113.10  | 203.0.113.20  | gateway 203.0.113.255 is not a host address of 203.0.113.0/24",
            "203.0.113.0/24 | gateway       | 203.0.113.10  | 203.0.113.20  | invalid addressing: not an IPv4 address: gateway",
    })
    void checksWhatTheSchemaCannot(String cidr, String gateway, String start, String end, String error) {
        ExternalRange.Checked checked = ExternalRange.check("public", spec(cidr, gateway, start, end));
        assertThat(checked.error()).isEqualTo(error);
        if (checked.ok()) {
            assertThat(checked.range().size()).isEqualTo(checked.range().end().value() - checked.range().start().value() + 1);
            assertThat(checked.range()).hasToString("allocationRange " + start + "-" + end + " of ExternalNetwork public");
        }
    }

    static ExternalNetworkSpec spec(String cidr, String gateway, String start, String end) {
        ExternalNetworkSpec spec = new ExternalNetworkSpec();
        spec.cidr = cidr;
        spec.gateway = gateway;
        spec.allocationRange = new ExternalNetworkSpec.AddressRange();
        spec.allocationRange.start = start;
        spec.allocationRange.end = end;
        return spec;
    }
}
