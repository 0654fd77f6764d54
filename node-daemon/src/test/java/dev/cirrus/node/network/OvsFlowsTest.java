package dev.cirrus.node.network;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class OvsFlowsTest {
    private static final OvsFlows.PortGuard TAP = new OvsFlows.PortGuard("ct0123456789ab", "02:C7:00:00:00:11",
            "10.20.0.11");
    private static final OvsFlows.TunnelGuard GUARD = new OvsFlows.TunnelGuard("cv0123456789ab", "02:c1:00:00:13:89",
            "10.20.0.1");

    @Test
    void guardsEveryTunnelAgainstTheGatewayAndKeepsNormalSwitching() {
        assertThat(OvsFlows.render(List.of(GUARD), List.of(), Map.of("cv0123456789ab", 3))).containsExactlyInAnyOrder(
                "cookie=0xc1,priority=0 actions=NORMAL",
                "cookie=0xc1,priority=100,in_port=3,dl_src=02:c1:00:00:13:89 actions=drop",
                "cookie=0xc1,priority=100,in_port=3,dl_dst=02:c1:00:00:13:89 actions=drop",
                "cookie=0xc1,priority=100,arp,in_port=3,arp_spa=10.20.0.1 actions=drop",
                "cookie=0xc1,priority=100,arp,in_port=3,arp_tpa=10.20.0.1 actions=drop");
    }

    @Test
    void aVmTapMaySendOnlyFromItsOwnMacAndIpAndEverythingElseFromItIsDropped() {
        assertThat(OvsFlows.render(List.of(), List.of(TAP), Map.of("ct0123456789ab", 5))).containsExactlyInAnyOrder(
                "cookie=0xc1,priority=0 actions=NORMAL",
                "cookie=0xc2,priority=200,ip,in_port=5,dl_src=02:c7:00:00:00:11,nw_src=10.20.0.11 actions=NORMAL",
                "cookie=0xc2,priority=200,arp,in_port=5,dl_src=02:c7:00:00:00:11,arp_spa=10.20.0.11,"
                        + "arp_sha=02:c7:00:00:00:11 actions=NORMAL",
                "cookie=0xc2,priority=200,arp,in_port=5,dl_src=02:c7:00:00:00:11,arp_spa=0.0.0.0,"
                        + "arp_sha=02:c7:00:00:00:11 actions=NORMAL",
                "cookie=0xc2,priority=200,udp,in_port=5,dl_src=02:c7:00:00:00:11,nw_src=0.0.0.0,tp_src=68,tp_dst=67"
                        + " actions=NORMAL",
                "cookie=0xc2,priority=190,in_port=5 actions=drop");
        assertThat(OvsFlows.render(List.of(), List.of(TAP), Map.of())).as("tap not on the bridge yet")
                .containsExactly(OvsFlows.NORMAL);
    }

    @Test
    void aTunnelWithoutOpenFlowPortGetsNoGuardYet() {
        assertThat(OvsFlows.render(List.of(GUARD), List.of(), Map.of())).containsExactly(OvsFlows.NORMAL);
        assertThat(OvsFlows.render(List.of(GUARD), List.of(), Map.of("cv0123456789ab", -1))).containsExactly(OvsFlows.NORMAL);
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
        assertThat(OvsFlows.parseDump(dump)).isEqualTo(OvsFlows.render(List.of(GUARD), List.of(), Map.of("cv0123456789ab", 3)));
        // ovs-ofctl 3.1 prints anti-spoofing flows in the order rendered, MACs in lower case.
        String guarded = """
                 cookie=0xc2, priority=200,ip,in_port=5,dl_src=02:c7:00:00:00:11,nw_src=10.20.0.11 actions=NORMAL
                 cookie=0xc2, priority=200,arp,in_port=5,dl_src=02:c7:00:00:00:11,arp_spa=10.20.0.11,arp_sha=02:c7:00:00:00:11 actions=NORMAL
                 cookie=0xc2, priority=200,arp,in_port=5,dl_src=02:c7:00:00:00:11,arp_spa=0.0.0.0,arp_sha=02:c7:00:00:00:11 actions=NORMAL
                 cookie=0xc2, priority=200,udp,in_port=5,dl_src=02:c7:00:00:00:11,nw_src=0.0.0.0,tp_src=68,tp_dst=67 actions=NORMAL
                 cookie=0xc2, priority=190,in_port=5 actions=drop
                 cookie=0xc1, priority=0 actions=NORMAL
                """;
        assertThat(OvsFlows.parseDump(guarded)).isEqualTo(OvsFlows.render(List.of(), List.of(TAP), Map.of("ct0123456789ab", 5)));
        // The default table of a fresh bridge (cookie 0 is not printed) is not Cirrus's table.
        assertThat(OvsFlows.parseDump(" priority=0 actions=NORMAL\n")).containsExactly("priority=0 actions=NORMAL")
                .isNotEqualTo(OvsFlows.render(List.of(), List.of(), Map.of()));
    }
}
