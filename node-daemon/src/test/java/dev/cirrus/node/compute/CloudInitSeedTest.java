package dev.cirrus.node.compute;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

class CloudInitSeedTest {
    private static final String UID = "0b5c1e7e-5c3a-4b8e-9d0f-2a6f1c9e4b11";
    private static final String ED25519 = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHq4tW0hkYbP5Hh7W0Xq9ySx3E0r6e1l4p0xN1m8zG2a alice@laptop";
    private static final String RSA = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7 bob@desk";
    private static final GuestInterface STATIC_NIC = new GuestInterface("52:54:00:12:34:56", "10.10.0.5", 24,
            "10.10.0.1", List.of("10.10.0.1", "1.1.1.1"), "green.cirrus.internal", 1450);
    private static final GuestInterface DHCP_NIC = GuestInterface.dhcp("52:54:00:12:34:57", 1450);

    private final CloudInitSeed seed = new CloudInitSeed();

    private static void assertGolden(String dir, SeedFiles files) {
        GoldenFile.assertMatches("cloudinit/" + dir + "/meta-data", files.metaData());
        GoldenFile.assertMatches("cloudinit/" + dir + "/user-data", files.userData());
        GoldenFile.assertMatches("cloudinit/" + dir + "/network-config", files.networkConfig());
    }

    @Test
    void withoutUserDataAGeneratedCloudConfigCarriesHostnameAndKeys() {
        SeedFiles files = seed.render(new SeedRequest(UID, "web", null, List.of(ED25519, RSA), List.of(STATIC_NIC, DHCP_NIC)));

        assertGolden("generated", files);
        Map<String, Object> userData = yaml(files.userData());
        assertThat(userData).containsEntry("hostname", "web").containsEntry("ssh_authorized_keys", List.of(ED25519, RSA));
        assertThat(yaml(files.metaData())).containsOnlyKeys("instance-id", "local-hostname");
    }

    @Test
    void cloudConfigWithoutKeysGetsAKeyBlockAppendedAndKeepsEverythingElse() {
        String given = """
                #cloud-config
                packages:
                  - nginx
                write_files:
                  - path: /etc/motd
                    content: |
                      welcome
                      to green""";
        SeedFiles files = seed.render(new SeedRequest(UID, "web", given, List.of(ED25519), List.of(STATIC_NIC)));

        assertGolden("cloud-config-merged", files);
        assertThat(files.userData()).startsWith(given + "\n");
        Map<String, Object> userData = yaml(files.userData());
        assertThat(userData).containsEntry("ssh_authorized_keys", List.of(ED25519)).containsEntry("packages", List.of("nginx"));
        assertThat(userData.get("write_files")).isEqualTo(List.of(Map.of("path", "/etc/motd", "content", "welcome\nto green\n")));
        assertThat(yaml(files.metaData())).doesNotContainKey("public-keys");
    }

    @Test
    void cloudConfigThatListsItsOwnKeysIsLeftAloneAndTheSpecKeysGoToMetaData() {
        String given = "#cloud-config\nssh_authorized_keys:\n  - ssh-ed25519 AAAAmine carol@home\n";
        SeedFiles files = seed.render(new SeedRequest(UID, "db", given, List.of(ED25519), List.of()));

        assertGolden("cloud-config-own-keys", files);
        assertThat(files.userData()).isEqualTo(given);
        assertThat(yaml(files.metaData())).containsEntry("public-keys", List.of(ED25519));
    }

    @Test
    void aShellScriptIsLeftAloneAndTheKeysGoToMetaData() {
        String given = "#!/bin/sh\necho hello > /tmp/hello\n";
        SeedFiles files = seed.render(new SeedRequest(UID, "job", given, List.of(RSA), List.of(DHCP_NIC)));

        assertGolden("shell-script", files);
        assertThat(files.userData()).isEqualTo(given);
        assertThat(yaml(files.metaData())).containsEntry("public-keys", List.of(RSA));
    }

    @Test
    void valuesThatLookLikeOtherYamlTypesOrCarryQuotesStayStrings() {
        String key = "ssh-ed25519 AAAA \"quoted\" back\\slash: yes # not a comment";
        SeedFiles files = seed.render(new SeedRequest("on", "yes", null, List.of(key, "no"), List.of(
                new GuestInterface("52:54:00:00:00:01", "10.0.0.2", 8, null, List.of(), "1e3", null))));

        assertGolden("quoting", files);
        assertThat(yaml(files.metaData())).containsEntry("instance-id", "on").containsEntry("local-hostname", "yes");
        assertThat(yaml(files.userData())).containsEntry("ssh_authorized_keys", List.of(key, "no"));
        Map<String, Object> eth0 = ethernet(files, "eth0");
        // A bare MAC is a base-60 integer to a YAML 1.1 parser such as cloud-init's.
        assertThat(eth0.get("match")).isEqualTo(Map.of("macaddress", "52:54:00:00:00:01"));
        assertThat(eth0.get("nameservers")).isEqualTo(Map.of("search", List.of("1e3")));
    }

    @Test
    void networkConfigIsVersion2MatchedByMacWithDefaultRoutesNotGateway4() {
        SeedFiles files = seed.render(new SeedRequest(UID, "web", null, List.of(), List.of(STATIC_NIC,
                new GuestInterface("52:54:00:12:34:58", "192.168.7.9", 24, "192.168.7.1", List.of(), null, null))));

        Map<String, Object> config = yaml(files.networkConfig());
        assertThat(config).containsEntry("version", 2);
        Map<String, Object> eth0 = ethernet(files, "eth0");
        assertThat(eth0).containsEntry("set-name", "eth0").containsEntry("addresses", List.of("10.10.0.5/24"))
                .containsEntry("mtu", 1450).doesNotContainKey("gateway4");
        assertThat(eth0.get("routes")).isEqualTo(List.of(Map.of("to", "0.0.0.0/0", "via", "10.10.0.1", "metric", 100)));
        assertThat(eth0.get("nameservers")).isEqualTo(Map.of("addresses", List.of("10.10.0.1", "1.1.1.1"),
                "search", List.of("green.cirrus.internal")));
        assertThat(ethernet(files, "eth1").get("routes"))
                .isEqualTo(List.of(Map.of("to", "0.0.0.0/0", "via", "192.168.7.1", "metric", 200)));
        assertThat(files.networkConfig()).doesNotContain("gateway4");
    }

    @Test
    void withoutNicsNoInterfaceIsConfigured() {
        SeedFiles files = seed.render(new SeedRequest(UID, "web", null, List.of(), List.of()));

        assertThat(yaml(files.networkConfig())).isEqualTo(Map.of("version", 2, "ethernets", Map.of()));
        assertThat(files.userData()).isEqualTo("#cloud-config\nhostname: \"web\"\n");
    }

    @Test
    void cloudConfigWithoutKeysToAddIsReturnedUnchanged() {
        String given = "#cloud-config\nruncmd: [\"true\"]";
        assertThat(seed.render(new SeedRequest(UID, "web", given, List.of(), List.of())).userData()).isEqualTo(given);
    }

    @Test
    void keysAreSplitAtLineBreaksTrimmedAndDeduplicated() {
        assertThat(CloudInitSeed.normalizedKeys(List.of(ED25519 + "\n" + RSA + "\n\n", "  " + ED25519 + "  ", "")))
                .containsExactly(ED25519, RSA);
    }

    @Test
    void onlyPlainSingleDocumentBlockMappingsAreAppendedTo() {
        assertThat(CloudInitSeed.canAppendTopLevelKey("#cloud-config\npackages: [nginx]\n")).isTrue();
        assertThat(CloudInitSeed.canAppendTopLevelKey("#cloud-config  \r\n# comment\n\npackages: [nginx]\r\n")).isTrue();
        assertThat(CloudInitSeed.canAppendTopLevelKey("#cloud-config\n")).isTrue();
        assertThat(CloudInitSeed.canAppendTopLevelKey("#cloud-config\n  packages: [nginx]\n")).isFalse();
        assertThat(CloudInitSeed.canAppendTopLevelKey("#cloud-config\n{packages: [nginx]}\n")).isFalse();
        assertThat(CloudInitSeed.canAppendTopLevelKey("#cloud-config\npackages: []\n...\n")).isFalse();
        assertThat(CloudInitSeed.canAppendTopLevelKey("#cloud-config\n---\npackages: []\n")).isFalse();
        assertThat(CloudInitSeed.canAppendTopLevelKey("#cloud-config\nssh_authorized_keys: []\n")).isFalse();
        assertThat(CloudInitSeed.canAppendTopLevelKey("## template: jinja\n#cloud-config\n")).isFalse();
        assertThat(CloudInitSeed.canAppendTopLevelKey("Content-Type: multipart/mixed\n")).isFalse();
    }

    @Test
    void inputsAreValidatedWithClearMessages() {
        assertThatThrownBy(() -> new GuestInterface("52:54:00:00:00:01", "10.0.0.300", 24, null, List.of(), null, null))
                .hasMessage("ip must be an IPv4 address: 10.0.0.300");
        assertThatThrownBy(() -> new GuestInterface("52:54:00:00:00:01", null, null, "10.0.0.1", List.of(), null, null))
                .hasMessage("prefixLength and gateway need a static ip (DHCP supplies them)");
        assertThatThrownBy(() -> new GuestInterface("52:54:00:00:00:01", "10.0.0.2", 33, null, List.of(), null, null))
                .hasMessage("prefixLength must be 0-32 with a static ip: 33");
        assertThatThrownBy(() -> new SeedRequest(" ", "web", null, List.of(), List.of()))
                .hasMessage("instanceId must not be blank");
        assertThatThrownBy(() -> new SeedRequest(UID, "web", null, List.of(), List.of(DHCP_NIC, DHCP_NIC)))
                .hasMessage("interface MAC addresses must be unique");
    }

    @Test
    void yamlScalarsEscapeWhatDoubleQuotesCannotHoldVerbatim() {
        assertThat(YamlScalar.quoted("a\"b\\c\nd\te\u0001\u007f\u0085\u2028\ufeffé"))
                .isEqualTo("\"a\\\"b\\\\c\\nd\\te\\x01\\x7F\\N\\L\\uFEFFé\"");
        assertThat(yaml("k: " + YamlScalar.quoted("a\"b\\c\nd\te\u0001é"))).containsEntry("k", "a\"b\\c\nd\te\u0001é");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> ethernet(SeedFiles files, String name) {
        return (Map<String, Object>) ((Map<String, Object>) yaml(files.networkConfig()).get("ethernets")).get(name);
    }

    /** SnakeYAML resolves plain scalars by YAML 1.1 rules, like cloud-init's PyYAML. */
    private static Map<String, Object> yaml(String text) {
        return new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
    }
}
