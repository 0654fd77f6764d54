package dev.cirrus.operator.ipam;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SubnetPoolTest {
    private static SubnetPool pool(String cidr, String gateway, String start, String end) {
        Ipv4Cidr c = Ipv4Cidr.parse(cidr);
        return SubnetPool.of(c, Ipv4.parse(gateway), Optional.ofNullable(start).map(Ipv4::parse), Optional.ofNullable(end).map(Ipv4::parse));
    }

    @ParameterizedTest(name = "{0} gw {1}, static {2} → {3} {4}")
    @CsvSource(nullValues = "-", value = {
            "192.168.88.0/24, 192.168.88.1, 192.168.88.10,  192.168.88.10, -",
            "192.168.88.0/24, 192.168.88.1, 192.168.88.1,   -,             IPConflict",
            "192.168.88.0/24, 192.168.88.1, 192.168.88.0,   -,             IPOutOfRange",
            "192.168.88.0/24, 192.168.88.1, 192.168.88.255, -,             IPOutOfRange",
            "192.168.88.0/24, 192.168.88.1, 192.168.89.10,  -,             IPOutOfRange",
            "192.168.88.0/24, 192.168.88.1, 192.168.88.20,  -,             IPConflict",
            "10.0.0.0/30,     10.0.0.1,     10.0.0.2,       10.0.0.2,      -",
            "10.0.0.0/30,     10.0.0.1,     10.0.0.3,       -,             IPOutOfRange",
            "10.0.0.0/31,     10.0.0.0,     10.0.0.1,       10.0.0.1,      -",
    })
    void staticRequests(String cidr, String gateway, String requested, String granted, String reason) {
        Map<Ipv4, String> used = Map.of(Ipv4.parse("192.168.88.20"), "ns/other/eth0");
        SubnetPool.Grant grant = pool(cidr, gateway, null, null).grant("ns/me/eth0", Optional.of(Ipv4.parse(requested)), used);
        assertThat(grant.ip() == null ? null : grant.ip().toString()).isEqualTo(granted);
        assertThat(grant.reason()).isEqualTo(reason);
    }

    @Test
    void aStaticAddressItsOwnerAlreadyHoldsIsGrantedAgain() {
        Map<Ipv4, String> used = Map.of(Ipv4.parse("192.168.88.20"), "ns/me/eth0");
        assertThat(pool("192.168.88.0/24", "192.168.88.1", null, null)
                .grant("ns/me/eth0", Optional.of(Ipv4.parse("192.168.88.20")), used).granted()).isTrue();
    }

    @Test
    void dynamicAddressesSkipTheGatewayAndTakenOnesThenRunOut() {
        SubnetPool pool = pool("10.0.0.0/29", "10.0.0.1", null, null); // hosts .1-.6, gateway .1
        Map<Ipv4, String> used = new HashMap<>();
        used.put(Ipv4.parse("10.0.0.3"), "static");
        for (String expected : new String[]{"10.0.0.2", "10.0.0.4", "10.0.0.5", "10.0.0.6"}) {
            SubnetPool.Grant grant = pool.grant("vm", Optional.empty(), used);
            assertThat(grant.ip()).hasToString(expected);
            used.put(grant.ip(), "vm-" + expected);
        }
        SubnetPool.Grant exhausted = pool.grant("vm", Optional.empty(), used);
        assertThat(exhausted.reason()).isEqualTo("IPExhausted");
        assertThat(exhausted.message()).isEqualTo("no free address left in 10.0.0.1-10.0.0.6 of 10.0.0.0/29");
    }

    @Test
    void releasedAddressesAreReused() {
        SubnetPool pool = pool("10.0.0.0/30", "10.0.0.1", null, null);
        Map<Ipv4, String> used = new HashMap<>(Map.of(Ipv4.parse("10.0.0.2"), "a"));
        assertThat(pool.grant("b", Optional.empty(), used).reason()).isEqualTo("IPExhausted");
        used.remove(Ipv4.parse("10.0.0.2"));
        assertThat(pool.grant("b", Optional.empty(), used).ip()).hasToString("10.0.0.2");
    }

    @Test
    void dynamicAddressesStayInTheDhcpRangeWhileStaticOnesMayLieOutside() {
        SubnetPool pool = pool("192.168.88.0/24", "192.168.88.1", "192.168.88.100", "192.168.88.101");
        assertThat(pool.grant("a", Optional.empty(), Map.of()).ip()).hasToString("192.168.88.100");
        assertThat(pool.grant("b", Optional.of(Ipv4.parse("192.168.88.10")), Map.of()).granted()).isTrue();
        Map<Ipv4, String> full = Map.of(Ipv4.parse("192.168.88.100"), "a", Ipv4.parse("192.168.88.101"), "b");
        assertThat(pool.grant("c", Optional.empty(), full).reason()).isEqualTo("IPExhausted");
    }

    @Test
    void macsAreStableLocallyAdministeredUnicastAndUnique() {
        String mac = MacAddresses.derive("uid-1/eth0", Set.of());
        assertThat(mac).matches("^[0-9a-f]{2}(:[0-9a-f]{2}){5}$");
        int first = Integer.parseInt(mac.substring(0, 2), 16);
        assertThat(first & 0x01).as("unicast").isZero();
        assertThat(first & 0x02).as("locally administered").isEqualTo(2);
        assertThat(MacAddresses.derive("uid-1/eth0", Set.of())).isEqualTo(mac);
        assertThat(MacAddresses.derive("uid-1/eth0", Set.of(mac))).isNotEqualTo(mac);

        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 5000; i++) {
            assertThat(seen.add(MacAddresses.derive("uid-" + i + "/eth0", seen))).isTrue();
        }
    }
}
