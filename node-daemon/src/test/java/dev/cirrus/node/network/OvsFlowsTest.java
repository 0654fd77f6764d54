package dev.cirrus.node.network;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class OvsFlowsTest {
    private static final OvsFlows.TunnelGuard GUARD = new OvsFlows.TunnelGuard("cv0123456789ab", "02:c1:00:00:13:89",
            "10.20.0.1");

    @Test
    void guardsEveryTunnelAgainstTheGatewayAndKeepsNormalSwitching() {
        assertThat(OvsFlows.render(List.of(GUARD), Map.of("cv0123456789ab", 3))).containsExactlyInAnyOrder(
                "cookie=0xc1,priority=0 actions=NORMAL",
                "cookie=0xc1,priority=100,in_port=3,dl_src=02:c1:00:00:13:89 actions=drop",
                "cookie=0xc1,priority=100,in_port=3,dl_dst=02:c1:00:00:13:89 actions=drop",
                "cookie=0xc1,priority=100,arp,in_port=3,arp_spa=10.20.0.1 actions=drop",
                "cookie=0xc1,priority=100,arp,in_port=3,arp_tpa=10.20.0.1 actions=drop");
    }

    @Test
    void aTunnelWithoutOpenFlowPortGetsNoGuardYet() {
        assertThat(OvsFlows.render(List.of(GUARD), Map.of())).containsExactly(OvsFlows.NORMAL);
        assertThat(OvsFlows.render(List.of(GUARD), Map.of("cv0123456789ab", -1))).containsExactly(OvsFlows.NORMAL);
    }

    /** ovs-ofctl 3.1 dump-flows --no-stats --no-names, verbatim: reads back equal to what was rendered. */
    @Test
    void aDumpReadsBackAsRendered() {
        String dump = """
                 cookie=0xc1, priority=100,in_port=3,dl_src=02:c1:00:00:13:89 actions=drop
                 cookie=0xc1, priority=100,in_port=3,dl_dst=02:c1:00:00:13:89 actions=drop
                 cookie=0xc1, priority=100,arp,in_port=3,arp_spa=10.20.0.1 actions=drop
                 cookie=0xc1, priority=100,arp,in_port=3,arp_tpa=10.20.0.1 actions=drop
                 cookie=0xc1, priority=0 actions=NORMAL
                """;
        assertThat(OvsFlows.parseDump(dump)).isEqualTo(OvsFlows.render(List.of(GUARD), Map.of("cv0123456789ab", 3)));
        // The default table of a fresh bridge (cookie 0 is not printed) is not Cirrus's table.
        assertThat(OvsFlows.parseDump(" priority=0 actions=NORMAL\n")).containsExactly("priority=0 actions=NORMAL")
                .isNotEqualTo(OvsFlows.render(List.of(), Map.of()));
    }
}
