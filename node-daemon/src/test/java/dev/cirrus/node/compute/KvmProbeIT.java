package dev.cirrus.node.compute;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.cirrus.node.host.Command;
import dev.cirrus.node.host.ProcessHostCommands;

/** The probe firmware really runs to its exit port under QEMU (TCG: works everywhere). */
class KvmProbeIT {
    @TempDir
    Path dir;

    @Test
    void probeGuestExitsWithTheExpectedCodeUnderTcg() throws Exception {
        Path firmware = dir.resolve("probe.bin");
        Files.write(firmware, KvmProbe.firmware());
        var result = new ProcessHostCommands().attempt(Command.of(KvmProbe.argv(firmware, "tcg", "qemu64"))
                .withTimeout(Duration.ofSeconds(60)));
        assertThat(result.exitCode()).as(result.stderr()).isEqualTo(KvmProbe.EXPECTED_EXIT);
    }

    @Test
    void detectGivesAnAnswerWithoutFailing() {
        // Whatever this host is (no /dev/kvm, a PVM /dev/kvm that aborts, real KVM), detect decides.
        assertThat(KvmProbe.detect(new ProcessHostCommands(), dir)).isIn(DomainType.KVM, DomainType.QEMU);
    }
}
