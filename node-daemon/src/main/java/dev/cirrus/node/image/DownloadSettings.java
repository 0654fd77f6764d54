package dev.cirrus.node.image;

import java.time.Duration;
import java.util.Objects;

/**
 * How hard {@link ImageCache} tries.
 *
 * @param maxAttempts    attempts per fetch, the first included; each retry resumes where the last stopped
 * @param initialBackoff wait before the second attempt; doubled for each further one
 * @param maxBackoff     cap on the wait
 * @param connectTimeout TCP/TLS connect timeout
 * @param stallTimeout   give up an attempt when no response headers, or no body bytes, arrive for this long
 * @param maxRedirects   redirects followed per attempt (each target is checked like the first URL)
 */
public record DownloadSettings(int maxAttempts, Duration initialBackoff, Duration maxBackoff, Duration connectTimeout,
                               Duration stallTimeout, int maxRedirects) {
    public DownloadSettings {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1: " + maxAttempts);
        }
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(stallTimeout, "stallTimeout");
        if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("need 0 <= initialBackoff <= maxBackoff");
        }
        if (maxRedirects < 0) {
            throw new IllegalArgumentException("maxRedirects must not be negative: " + maxRedirects);
        }
    }

    public static DownloadSettings defaults() {
        return new DownloadSettings(5, Duration.ofSeconds(2), Duration.ofMinutes(1), Duration.ofSeconds(10),
                Duration.ofSeconds(60), 5);
    }

    /** The wait before attempt number {@code attempt} (2 for the first retry). */
    Duration backoffBefore(int attempt) {
        Duration wait = initialBackoff;
        for (int i = 2; i < attempt && wait.compareTo(maxBackoff) < 0; i++) {
            wait = wait.multipliedBy(2);
        }
        return wait.compareTo(maxBackoff) > 0 ? maxBackoff : wait;
    }
}
