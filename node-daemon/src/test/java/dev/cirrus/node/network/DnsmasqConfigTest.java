package dev.cirrus.node.network;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Golden files: set -Dcirrus.golden.update=true to rewrite them after an intended change. */
class DnsmasqConfigTest {
    private static final Path GOLDEN = Path.of("src/test/resources/golden/network");

    @ParameterizedTest
    @ValueSource(strings = {"full", "minimal"})
    void rendersTheGoldenFile(String name) throws IOException {
        NetworkDesired network = switch (name) {
            case "full" -> new NetworkDesired("green", "net", 5001, "10.20.0.0/24", "10.20.0.1", Optional.of(1400),
                    true, Optional.of("10.20.0.10"), Optional.of("10.20.0.200"), List.of("9.9.9.9", "1.1.1.1"),
                    Optional.of("green.cirrus.internal"), "vxlan", List.of("10.99.0.2"),
                    List.of(Fixtures.port("uid-2", "02:00:00:00:00:12", "10.20.0.12", "db"),
                            Fixtures.port("uid-1", "02:00:00:00:00:11", "10.20.0.11", "web")),
                    // every VM of the network has a name, on this node (db, web) or another (cache)
                    List.of(new HostRecord("web", "10.20.0.11"), new HostRecord("db", "10.20.0.12"),
                            new HostRecord("cache", "10.20.0.13")));
            default -> new NetworkDesired("blue", "tiny", 7, "192.168.8.0/22", "192.168.8.1", Optional.empty(), true,
                    Optional.empty(), Optional.empty(), List.of(), Optional.empty(), "vxlan", List.of(), List.of());
        };
        NodeNetworkDesired node = Fixtures.node(network);
        String rendered = DnsmasqConfig.render(network, new NetworkPlanner(Fixtures.STATE).layout(node, network));
        Path golden = GOLDEN.resolve(name + ".dnsmasq.conf");
        if (Boolean.getBoolean("cirrus.golden.update")) {
            Files.writeString(golden, rendered, StandardCharsets.UTF_8);
        }
        assertThat(rendered).isEqualTo(Files.readString(golden, StandardCharsets.UTF_8));
    }
}
