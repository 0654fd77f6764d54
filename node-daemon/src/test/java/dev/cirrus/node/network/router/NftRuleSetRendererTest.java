package dev.cirrus.node.network.router;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.cirrus.node.compute.GoldenFile;

class NftRuleSetRendererTest {
    @Test
    void routerTableWithFloatingIpForwardsFirewallAndSnat() {
        NftTable table = NftRuleSetRenderer.router(RouterFixtures.network(true, RouterFixtures.floating(),
                RouterFixtures.forwarded(), RouterFixtures.internal()));
        GoldenFile.assertMatches("router/router-snat.nft", table.text());
        assertThat(table.netns()).contains(RouterFixtures.ROUTER_NS);
    }

    @Test
    void routerTableWithoutSnatLetsOnlyFloatingIpsAndRepliesOut() {
        NftTable table = NftRuleSetRenderer.router(RouterFixtures.network(false, RouterFixtures.floating(),
                RouterFixtures.forwarded(), RouterFixtures.internal()));
        GoldenFile.assertMatches("router/router-no-snat.nft", table.text());
    }

    @Test
    void routerTableOfANetworkWithNothingExposedStillDropsNewInboundTraffic() {
        GoldenFile.assertMatches("router/router-internal-only.nft",
                NftRuleSetRenderer.router(RouterFixtures.network(true, RouterFixtures.internal())).text());
    }

    @Test
    void externalTable() {
        GoldenFile.assertMatches("router/external.nft",
                NftRuleSetRenderer.external(RouterFixtures.EXTERNAL_NS, RouterFixtures.external()).text());
    }

    @Test
    void antiSpoofTable() {
        NftTable table = NftRuleSetRenderer.antiSpoof(Optional.empty(),
                RouterFixtures.bridge(RouterFixtures.floating(), RouterFixtures.internal()));
        GoldenFile.assertMatches("router/anti-spoof.nft", table.text());
        assertThat(table.name()).isEqualTo("cirrus-as-cb0000000000aa");
    }

    @Test
    void theReplaceScriptSwapsTheWholeTableInOneTransaction() {
        NftTable table = NftRuleSetRenderer.external(RouterFixtures.EXTERNAL_NS, RouterFixtures.external());
        assertThat(table.replaceScript()).startsWith("""
                table ip cirrus-external
                delete table ip cirrus-external
                table ip cirrus-external {
                """);
    }

    @Test
    void theHashFollowsTheContentOnly() {
        NftTable a = NftRuleSetRenderer.router(RouterFixtures.network(true, RouterFixtures.floating()));
        NftTable b = NftRuleSetRenderer.router(RouterFixtures.network(true, RouterFixtures.floating()));
        NftTable c = NftRuleSetRenderer.router(RouterFixtures.network(false, RouterFixtures.floating()));
        assertThat(a.hash()).isEqualTo(b.hash()).isNotEqualTo(c.hash());
        assertThat(a.text()).contains("comment \"cirrus " + a.hash() + "\"");
    }
}
