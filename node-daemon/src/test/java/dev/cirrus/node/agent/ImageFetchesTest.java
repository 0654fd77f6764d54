package dev.cirrus.node.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpServer;
import dev.cirrus.node.image.DownloadSettings;
import dev.cirrus.node.image.ImageCache;
import dev.cirrus.node.image.ImageFetchException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Downloads run off the caller's thread: polling never waits for the network. */
class ImageFetchesTest {
    private static final byte[] BODY = "kernel bytes".getBytes(StandardCharsets.UTF_8);
    private final CountDownLatch release = new CountDownLatch(1);
    private final AtomicInteger done = new AtomicInteger();
    private HttpServer http;
    private ImageFetches fetches;

    @TempDir
    Path dir;

    @BeforeEach
    void server() throws IOException {
        http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/", exchange -> {
            try {
                release.await(20, TimeUnit.SECONDS); // a slow server: answers only when the test says so
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.sendResponseHeaders(200, BODY.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(BODY);
            }
        });
        http.start();
        ImageCache cache = new ImageCache(dir, new DownloadSettings(1, Duration.ofMillis(1), Duration.ofMillis(1),
                Duration.ofSeconds(2), Duration.ofSeconds(30), 3));
        fetches = new ImageFetches(cache, done::incrementAndGet, Duration.ofHours(1), 1 << 20, true, Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        release.countDown();
        fetches.close();
        http.stop(0);
    }

    private String url() {
        return "http://127.0.0.1:" + http.getAddress().getPort() + "/k";
    }

    @Test
    void pollReturnsAtOnceWhileTheDownloadRunsAndTheFileOnceItIsVerified() throws Exception {
        long t0 = System.nanoTime();
        assertThat(fetches.poll(url(), sha256(BODY))).isEmpty();
        assertThat(fetches.poll(url(), sha256(BODY))).as("one download, still running").isEmpty();
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(2));

        release.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> done.get() == 1);
        Path file = fetches.poll(url(), sha256(BODY)).orElseThrow();
        assertThat(Files.readAllBytes(file)).isEqualTo(BODY);
    }

    @Test
    void aFailureStandsDuringItsBackOffWithItsReason() throws Exception {
        release.countDown();
        String wrong = "sha256:" + "0".repeat(64);
        assertThat(fetches.poll(url(), wrong)).isEmpty();
        await().atMost(Duration.ofSeconds(10)).until(() -> done.get() == 1);
        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> fetches.poll(url(), wrong)).isInstanceOfSatisfying(ImageFetchException.class,
                    e -> assertThat(e.reason()).isEqualTo(ImageFetchException.Reason.ChecksumMismatch));
        }
        assertThat(done.get()).as("no new attempt during the back-off").isEqualTo(1);
    }

    @Test
    void stateFollowsTheArtifactFromNothingToDownloadingToReady() throws Exception {
        String checksum = sha256(BODY);
        assertThat(fetches.state(url(), checksum)).as("never asked for: not reported").isEmpty();
        fetches.poll(url(), checksum);
        assertThat(fetches.state(url(), checksum)).get().extracting(e -> e.state).isEqualTo("Downloading");
        release.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> done.get() == 1);
        assertThat(fetches.state(url(), checksum)).get().satisfies(e -> {
            assertThat(e.state).isEqualTo("Ready");
            assertThat(e.sizeBytes).isEqualTo(BODY.length);
            assertThat(e.checksum).isEqualTo(checksum);
        });
    }

    @Test
    void aFailedFetchIsReportedWithItsReason() throws Exception {
        release.countDown();
        String wrong = "sha256:" + "0".repeat(64);
        fetches.poll(url(), wrong);
        await().atMost(Duration.ofSeconds(10)).until(() -> done.get() == 1);
        assertThat(fetches.state(url(), wrong)).get().satisfies(e -> {
            assertThat(e.state).isEqualTo("Failed");
            assertThat(e.message).startsWith("ChecksumMismatch");
        });
    }

    private static String sha256(byte[] bytes) throws Exception {
        return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
