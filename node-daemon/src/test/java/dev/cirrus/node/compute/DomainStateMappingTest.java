package dev.cirrus.node.compute;

import static dev.cirrus.node.compute.DomainStateMapping.map;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** libvirt (state, reason) → DomainState, as the DomainState javadoc specifies it. */
class DomainStateMappingTest {
    @ParameterizedTest(name = "state {0} reason {1} -> {2}")
    @CsvSource({
            "1, 1, RUNNING",          // running/booted
            "1, 0, RUNNING",
            "2, 0, RUNNING",          // blocked
            "4, 1, RUNNING",          // being shut down: QEMU still there
            "3, 0, PAUSED",
            "3, 1, PAUSED",           // paused/user
            "3, 5, PAUSED",           // paused/ioerror
            "7, 0, PAUSED",           // pmsuspended
            "5, 1, SHUT_OFF_CLEAN",   // shutoff/shutdown: the guest powered off
            "5, 0, CRASHED",          // shutoff/unknown (also: defined, never started; host rebooted)
            "5, 2, CRASHED",          // shutoff/destroyed
            "5, 3, CRASHED",          // shutoff/crashed
            "5, 6, CRASHED",          // shutoff/failed
            "5, 8, CRASHED",          // shutoff/daemon
            "6, 0, CRASHED",          // crashed
            "6, 1, CRASHED",          // crashed/panicked
    })
    void mapsStateAndReason(int state, int reason, DomainState expected) {
        assertThat(map(state, reason)).isEqualTo(expected);
    }

    @Test
    void anUnknownStateIsAnErrorNotAGuess() {
        assertThatThrownBy(() -> map(42, 0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("42");
    }
}
