package dev.cirrus.node.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class DownloadSettingsTest {
    @Test
    void backoffDoublesUpToTheCap() {
        DownloadSettings settings = new DownloadSettings(10, Duration.ofSeconds(2), Duration.ofSeconds(30),
                Duration.ofSeconds(1), Duration.ofSeconds(1), 0);

        assertThat(settings.backoffBefore(2)).isEqualTo(Duration.ofSeconds(2));
        assertThat(settings.backoffBefore(3)).isEqualTo(Duration.ofSeconds(4));
        assertThat(settings.backoffBefore(4)).isEqualTo(Duration.ofSeconds(8));
        assertThat(settings.backoffBefore(5)).isEqualTo(Duration.ofSeconds(16));
        assertThat(settings.backoffBefore(6)).isEqualTo(Duration.ofSeconds(30));
        assertThat(settings.backoffBefore(1000)).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void nonsenseIsRefused() {
        assertThatThrownBy(() -> new DownloadSettings(0, Duration.ZERO, Duration.ZERO, Duration.ofSeconds(1), Duration.ofSeconds(1), 0))
                .hasMessage("maxAttempts must be at least 1: 0");
        assertThatThrownBy(() -> new DownloadSettings(1, Duration.ofSeconds(5), Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1), 0))
                .hasMessage("need 0 <= initialBackoff <= maxBackoff");
    }
}
