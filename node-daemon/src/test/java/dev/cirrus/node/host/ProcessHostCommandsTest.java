package dev.cirrus.node.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

class ProcessHostCommandsTest {
    private final HostCommands host = new ProcessHostCommands();

    @Test
    void runsAnArgvArrayWithoutAShell() {
        CommandResult result = host.run("printf", "%s|", "a b", "$HOME", ";");
        assertThat(result.stdout()).isEqualTo("a b|$HOME|;|");
    }

    @Test
    void aFailureCarriesArgvExitCodeAndStderr() {
        assertThatThrownBy(() -> host.run("ls", "/definitely/not/here"))
                .isInstanceOfSatisfying(HostCommandException.class, e -> {
                    assertThat(e.argv()).containsExactly("ls", "/definitely/not/here");
                    assertThat(e.exitCode()).isEqualTo(2);
                    assertThat(e.stderr()).contains("No such file");
                    assertThat(e.getMessage()).startsWith("ls /definitely/not/here: exit code 2: ");
                });
    }

    @Test
    void aTimeoutKillsTheCommand() {
        assertThatThrownBy(() -> host.run(Command.of("sleep", "10").withTimeout(Duration.ofMillis(200))))
                .isInstanceOfSatisfying(HostCommandException.class, e -> {
                    assertThat(e.exitCode()).isEqualTo(-1);
                    assertThat(e.getMessage()).contains("timed out after 200 ms");
                });
    }

    @Test
    void feedsStandardInputAndWrapsANetworkNamespace() {
        assertThat(host.run(Command.of("cat").withStdin("table inet x {}\n")).stdout()).isEqualTo("table inet x {}\n");
        assertThat(Command.of("ip", "link").inNetns("node1").effectiveArgv())
                .isEqualTo(List.of("ip", "netns", "exec", "node1", "ip", "link"));
    }

    @Test
    void attemptReportsFailureWithoutThrowing() {
        assertThat(host.attempt(Command.of("false")).exitCode()).isEqualTo(1);
    }
}
