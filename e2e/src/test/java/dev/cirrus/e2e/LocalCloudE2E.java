package dev.cirrus.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import dev.cirrus.testsupport.TestEnvironment;

/**
 * The README's main command, asserted: {@code hack/cloud up} brings up the control plane, the
 * operator, two nodes (own namespace, Open vSwitch and libvirtd each), the external network and
 * the samples, and prints a connectivity matrix measured from inside the guests; {@code down}
 * leaves nothing behind. It runs as a second cloud beside a developer's one: its own prefix,
 * state directory, ports and underlay subnet. The jars come from this same Maven build.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LocalCloudE2E {
    private static final String PREFIX = "cire2e";
    private static final Path STATE = Path.of("/var/tmp/cirrus-e2e");
    private static final Map<String, String> ENV = Map.of(
            "CIRRUS_CLOUD_PREFIX", PREFIX,
            "CIRRUS_NODES", "e2e-node1 e2e-node2",
            "CIRRUS_STATE_DIR", STATE.toString(),
            "CIRRUS_API_PORT", "16643",
            "CIRRUS_ETCD_PORT", "23990",
            "CIRRUS_OPERATOR_PORT", "18280",
            "CIRRUS_UNDERLAY_NET", "10.251.0",
            "CIRRUS_SKIP_BUILD", "1");

    private static Run up;

    @BeforeAll
    static void cloudUp() throws Exception {
        cloud("down");  // a previous run killed half-way must not leave its namespaces in the way
        up = cloud("up");
        System.out.println(up.output());
    }

    @AfterAll
    static void cloudDown() throws Exception {
        if (!Boolean.getBoolean("cirrus.e2e.keep")) {
            Run down = cloud("down");
            assertThat(down.exitCode()).as(down.output()).isZero();
        }
    }

    @Test
    @Order(1)
    void upSucceedsAndReportsItsDuration() {
        assertThat(up.exitCode()).as(up.output()).isZero();
        assertThat(up.output()).containsPattern("cloud up in \\d+ s");
    }

    @Test
    @Order(2)
    void everyVmIsReadyOnItsNode() {
        assertThat(up.output()).contains("every VM is Ready");
        assertThat(up.output()).containsPattern("green-1 +Running +e2e-node\\d");
        assertThat(up.output()).containsPattern("green-2 +Running +e2e-node\\d");
        assertThat(up.output()).containsPattern("blue-1 +Running +e2e-node\\d");
    }

    @Test
    @Order(3)
    void connectivityMatrixIsAsExpected() {
        assertThat(up.output()).contains("connectivity matrix as expected").doesNotContain("UNEXPECTED");
    }

    @Test
    @Order(4)
    void downLeavesTheHostAsItWas() throws Exception {
        Run down = cloud("down");
        assertThat(down.exitCode()).as(down.output()).isZero();
        assertThat(run(List.of("ip", "netns", "list")).output()).doesNotContain(PREFIX).doesNotContain("e2e-node");
        assertThat(run(List.of("ip", "-o", "link", "show")).output()).doesNotContain(PREFIX);
        assertThat(run(List.of("pgrep", "-af", STATE.toString())).output()).isBlank();
        assertThat(STATE).doesNotExist();
    }

    private static Run cloud(String verb) throws IOException, InterruptedException {
        Path script = TestEnvironment.repoRoot().resolve("hack/cloud");
        return run(List.of(script.toString(), verb));
    }

    /**
     * Output goes to a file, not a pipe: a daemon the script starts in the background keeps any
     * inherited pipe open, and reading it to the end would wait for that daemon.
     */
    private static Run run(List<String> argv) throws IOException, InterruptedException {
        Path log = Files.createTempFile("cirrus-e2e-", ".log");
        try {
            ProcessBuilder builder = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().putAll(ENV);
            Process process = builder.start();
            if (!process.waitFor(15, TimeUnit.MINUTES)) {
                process.destroyForcibly().waitFor();
            }
            return new Run(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(log);
        }
    }

    private record Run(int exitCode, String output) {
    }
}
