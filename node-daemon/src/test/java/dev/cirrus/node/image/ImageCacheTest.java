package dev.cirrus.node.image;

import static dev.cirrus.node.image.ImageServer.chunked;
import static dev.cirrus.node.image.ImageServer.dropAfter;
import static dev.cirrus.node.image.ImageServer.full;
import static dev.cirrus.node.image.ImageServer.rangeAware;
import static dev.cirrus.node.image.ImageServer.redirect;
import static dev.cirrus.node.image.ImageServer.stallAfter;
import static dev.cirrus.node.image.ImageServer.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.type;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.cirrus.node.image.ImageFetchException.Reason;

class ImageCacheTest {
    private static final byte[] IMAGE = randomBytes(300_000);
    private static final String SHA = sha256(IMAGE);
    private static final long NO_LIMIT = 10_000_000;

    @TempDir
    Path dir;

    private ImageCache cache(Duration stallTimeout) {
        return new ImageCache(dir, new DownloadSettings(3, Duration.ofMillis(1), Duration.ofMillis(4),
                Duration.ofSeconds(2), stallTimeout, 3));
    }

    private ImageCache cache() {
        return cache(Duration.ofSeconds(5));
    }

    @Test
    void downloadsVerifiesAndStoresTheFileUnderItsChecksum() throws Exception {
        try (ImageServer server = ImageServer.start(full(IMAGE))) {
            CachedImage image = cache().fetch(server.url("/debian.qcow2"), "sha256:" + SHA, NO_LIMIT, true);

            assertThat(image).isEqualTo(new CachedImage(dir.resolve(SHA), IMAGE.length, SHA));
            assertThat(image.path()).hasBinaryContent(IMAGE);
            assertThat(dir).isDirectoryNotContaining(p -> !p.equals(image.path()));
        }
    }

    @Test
    void aChecksumMismatchLeavesNoFileBehindAndIsNotRetried() throws Exception {
        String wrong = "ab".repeat(32);
        try (ImageServer server = ImageServer.start(full(IMAGE))) {
            assertFails(() -> cache().fetch(server.url("/x"), "sha256:" + wrong, NO_LIMIT, true), Reason.ChecksumMismatch)
                    .hasMessageStartingWith("checksum mismatch: expected sha256:" + wrong + ", got sha256:" + SHA);
            assertThat(server.requests()).isEqualTo(1);
        }
        assertThat(dir).isEmptyDirectory();
    }

    @Test
    void aDroppedConnectionIsResumedWithARangeRequest() throws Exception {
        int half = IMAGE.length / 2;
        try (ImageServer server = ImageServer.start(dropAfter(IMAGE, half), rangeAware(IMAGE))) {
            CachedImage image = cache().fetch(server.url("/x"), SHA, NO_LIMIT, true);

            assertThat(image.path()).hasBinaryContent(IMAGE);
            assertThat(server.rangeHeaders).hasSize(2);
            assertThat(server.rangeHeaders.get(0)).isEqualTo("null");
            long resumedAt = Long.parseLong(server.rangeHeaders.get(1).replaceAll("^bytes=(\\d+)-$", "$1"));
            assertThat(resumedAt).isBetween(1L, (long) half);
            assertThat(server.bodyBytesSent.get()).isEqualTo(half + IMAGE.length - resumedAt);
        }
    }

    @Test
    void aPartialFileFromAnEarlierRunIsResumedWhereItEnds() throws Exception {
        Files.write(dir.resolve(SHA + ".partial"), Arrays.copyOf(IMAGE, 123_456));
        try (ImageServer server = ImageServer.start(rangeAware(IMAGE))) {
            CachedImage image = cache().fetch(server.url("/x"), SHA, NO_LIMIT, true);

            assertThat(image.path()).hasBinaryContent(IMAGE);
            assertThat(server.rangeHeaders).containsExactly("bytes=123456-");
            assertThat(server.bodyBytesSent.get()).isEqualTo(IMAGE.length - 123_456);
        }
        assertThat(dir.resolve(SHA + ".partial")).doesNotExist();
    }

    @Test
    void aServerThatIgnoresRangeMakesTheDownloadStartOver() throws Exception {
        Files.write(dir.resolve(SHA + ".partial"), new byte[] {1, 2, 3});
        try (ImageServer server = ImageServer.start(full(IMAGE))) {
            assertThat(cache().fetch(server.url("/x"), SHA, NO_LIMIT, true).path()).hasBinaryContent(IMAGE);
            assertThat(server.rangeHeaders).containsExactly("bytes=3-");
        }
    }

    @Test
    void aCorruptPartialFileIsDiscardedAndTheDownloadStartsOver() throws Exception {
        byte[] corrupt = Arrays.copyOf(IMAGE, 1000);
        corrupt[10] ^= 1;
        Files.write(dir.resolve(SHA + ".partial"), corrupt);
        try (ImageServer server = ImageServer.start(rangeAware(IMAGE))) {
            assertThat(cache().fetch(server.url("/x"), SHA, NO_LIMIT, true).path()).hasBinaryContent(IMAGE);
            assertThat(server.rangeHeaders).containsExactly("bytes=1000-", "null");
        }
    }

    @Test
    void aMismatchOnAFreshDownloadIsFinal() throws Exception {
        byte[] other = randomBytes(5000);
        Files.write(dir.resolve(SHA + ".partial"), Arrays.copyOf(other, 1000));
        try (ImageServer server = ImageServer.start(rangeAware(other))) {
            assertFails(() -> cache().fetch(server.url("/x"), SHA, NO_LIMIT, true), Reason.ChecksumMismatch)
                    .hasMessageStartingWith("checksum mismatch: expected sha256:" + SHA + ", got sha256:" + sha256(other));
            assertThat(server.rangeHeaders).containsExactly("bytes=1000-", "null");
        }
        assertThat(dir).isEmptyDirectory();
    }

    @Test
    void aServerErrorIsRetried() throws Exception {
        try (ImageServer server = ImageServer.start(status(500), full(IMAGE))) {
            assertThat(cache().fetch(server.url("/x"), SHA, NO_LIMIT, true).path()).hasBinaryContent(IMAGE);
            assertThat(server.requests()).isEqualTo(2);
        }
    }

    @Test
    void retriesEndAfterTheConfiguredAttempts() throws Exception {
        try (ImageServer server = ImageServer.start(status(503))) {
            assertFails(() -> cache().fetch(server.url("/x"), SHA, NO_LIMIT, true), Reason.DownloadFailed)
                    .hasMessage("download of " + server.url("/x") + " failed after 3 attempts: HTTP 503 from " + server.url("/x"));
            assertThat(server.requests()).isEqualTo(3);
        }
    }

    @Test
    void aClientErrorIsNotRetried() throws Exception {
        try (ImageServer server = ImageServer.start(status(404))) {
            assertFails(() -> cache().fetch(server.url("/missing"), SHA, NO_LIMIT, true), Reason.HttpError)
                    .hasMessage("HTTP 404 from " + server.url("/missing"));
            assertThat(server.requests()).isEqualTo(1);
        }
    }

    @Test
    void anImageAnnouncedAsTooLargeIsRefusedBeforeItsBody() throws Exception {
        try (ImageServer server = ImageServer.start(full(IMAGE))) {
            assertFails(() -> cache().fetch(server.url("/x"), SHA, 1000, true), Reason.TooLarge)
                    .hasMessage("image at " + server.url("/x") + " is 300000 bytes, over the node's limit of 1000 bytes");
        }
        assertThat(dir).isEmptyDirectory();
    }

    @Test
    void anImageWithoutALengthIsCutOffAtTheLimit() throws Exception {
        try (ImageServer server = ImageServer.start(chunked(IMAGE))) {
            assertFails(() -> cache().fetch(server.url("/x"), SHA, 100_000, true), Reason.TooLarge)
                    .hasMessage("image at " + server.url("/x") + " is more than 100000 bytes, over the node's limit of 100000 bytes");
        }
        assertThat(dir).isEmptyDirectory();
    }

    @Test
    void aChunkedImageWithinTheLimitIsAccepted() throws Exception {
        try (ImageServer server = ImageServer.start(chunked(IMAGE))) {
            assertThat(cache().fetch(server.url("/x"), SHA, IMAGE.length, true).size()).isEqualTo(IMAGE.length);
        }
    }

    @Test
    void aCachedFileIsReturnedWithoutTheNetwork() throws Exception {
        Files.write(dir.resolve(SHA), IMAGE);

        // Nothing listens on port 1, and a loopback URL would be refused if it were checked.
        CachedImage image = cache().fetch("http://127.0.0.1:1/gone", "SHA256:" + SHA.toUpperCase(), 10, false);

        assertThat(image).isEqualTo(new CachedImage(dir.resolve(SHA), IMAGE.length, SHA));
        assertThat(cache().lookup(SHA)).contains(image);
    }

    @Test
    void loopbackIsRefusedUnlessPrivateSourcesAreAllowed() throws Exception {
        try (ImageServer server = ImageServer.start(full(IMAGE))) {
            assertFails(() -> cache().fetch(server.url("/x"), SHA, NO_LIMIT, false), Reason.ForbiddenAddress)
                    .hasMessageStartingWith("refusing to download " + server.url("/x") + ": 127.0.0.1 is a loopback address");
            assertThat(server.requests()).isZero();
        }
        assertThat(dir).isEmptyDirectory();
    }

    @Test
    void redirectsAreFollowed() throws Exception {
        try (ImageServer server = ImageServer.start(redirect(302, "/mirror/debian.qcow2"), full(IMAGE))) {
            assertThat(cache().fetch(server.url("/debian.qcow2"), SHA, NO_LIMIT, true).path()).hasBinaryContent(IMAGE);
        }
    }

    @Test
    void endlessRedirectsStop() throws Exception {
        try (ImageServer server = ImageServer.start(redirect(301, "/again"))) {
            assertFails(() -> cache().fetch(server.url("/x"), SHA, NO_LIMIT, true), Reason.TooManyRedirects)
                    .hasMessage("more than 3 redirects starting at " + server.url("/x"));
        }
    }

    @Test
    void aStalledBodyIsAbandonedAndResumed() throws Exception {
        try (ImageServer server = ImageServer.start(stallAfter(IMAGE, 100_000), rangeAware(IMAGE))) {
            CachedImage image = cache(Duration.ofMillis(300)).fetch(server.url("/x"), SHA, NO_LIMIT, true);

            assertThat(image.path()).hasBinaryContent(IMAGE);
            assertThat(server.rangeHeaders.get(1)).startsWith("bytes=");
        }
    }

    @Test
    void badInputsAreCallerBugsOrUserErrorsSaidPlainly() {
        assertThatThrownBy(() -> cache().fetch("http://example.com/x", "md5:abc", NO_LIMIT, true))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("checksum must be 'sha256:' followed by 64 hex digits: md5:abc");
        assertThatThrownBy(() -> cache().fetch("http://example.com/x", SHA, 0, true))
                .isInstanceOf(IllegalArgumentException.class);
        assertFails(() -> cache().fetch("ftp://example.com/x", SHA, NO_LIMIT, true), Reason.InvalidUrl)
                .hasMessage("image URL must use http or https: ftp://example.com/x");
        assertFails(() -> cache().fetch("not a url", SHA, NO_LIMIT, true), Reason.InvalidUrl)
                .hasMessage("image URL is not a valid absolute URL: not a url");
    }

    private static org.assertj.core.api.AbstractThrowableAssert<?, ? extends Throwable> assertFails(ThrowingCallable call, Reason reason) {
        var failure = assertThatThrownBy(call).isInstanceOf(ImageFetchException.class);
        failure.asInstanceOf(type(ImageFetchException.class)).extracting(ImageFetchException::reason).isEqualTo(reason);
        return failure;
    }

    private static byte[] randomBytes(int size) {
        byte[] bytes = new byte[size];
        new Random(42).nextBytes(bytes);
        return bytes;
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
