package dev.cirrus.node.image;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jboss.logging.Logger;

import dev.cirrus.node.image.ImageFetchException.Reason;

/**
 * The node's content-addressed image cache: one file per artifact, named by its SHA-256 and
 * present only once verified. A download streams through SHA-256 into {@code <sha256>.partial}
 * in the cache directory (so the final rename is atomic on one file system), which a later
 * attempt resumes with a Range request; a checksum mismatch or an oversized artifact deletes it.
 * A {@code .partial} left by a fetch that ran out of attempts stays for the next fetch to resume;
 * clearing old ones belongs to the cache's garbage collection.
 *
 * <p>Only this class touches the network; format checks come afterwards ({@link ImageInspector}).
 */
public final class ImageCache {
    private static final Logger LOG = Logger.getLogger(ImageCache.class);
    private static final String PARTIAL_SUFFIX = ".partial";
    private static final int BUFFER_BYTES = 64 * 1024;
    private static final Pattern CONTENT_RANGE = Pattern.compile("^bytes (\\d+)-(\\d+)/(\\d+|\\*)$");

    private final Path directory;
    private final DownloadSettings settings;
    private final DestinationGuard guard;
    private final HttpClient http;
    private final ConcurrentHashMap<String, Object> locks = new ConcurrentHashMap<>();

    public ImageCache(Path directory, DownloadSettings settings) {
        this(directory, settings, new DestinationGuard(InetAddress::getAllByName));
    }

    ImageCache(Path directory, DownloadSettings settings, DestinationGuard guard) {
        this.directory = directory;
        this.settings = settings;
        this.guard = guard;
        // Redirects are followed by hand so that every hop passes the destination check.
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(settings.connectTimeout())
                .build();
    }

    public Path directory() {
        return directory;
    }

    /** The verified artifact with this checksum, if the cache has it. Never touches the network. */
    public Optional<CachedImage> lookup(String expectedSha256) {
        Sha256Digest expected = Sha256Digest.parse(expectedSha256);
        Path file = directory.resolve(expected.hex());
        try {
            return Files.isRegularFile(file) ? Optional.of(new CachedImage(file, Files.size(file), expected.hex())) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * The verified artifact: from the cache if present, else downloaded.
     *
     * @param url            http(s) URL of the artifact
     * @param expectedSha256 {@code sha256:<64 hex>} (or bare hex)
     * @param maxBytes       refuse artifacts larger than this
     * @param allowPrivate   allow hosts that resolve to loopback, link-local or metadata addresses
     * @throws IllegalArgumentException for a malformed checksum or a non-positive limit (caller bugs)
     */
    public CachedImage fetch(String url, String expectedSha256, long maxBytes, boolean allowPrivate) throws ImageFetchException {
        Sha256Digest expected = Sha256Digest.parse(expectedSha256);
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("maxBytes must be positive: " + maxBytes);
        }
        Optional<CachedImage> cached = lookup(expected.hex());
        if (cached.isPresent()) {
            return cached.get();
        }
        URI uri = parse(url);
        synchronized (locks.computeIfAbsent(expected.hex(), k -> new Object())) {
            cached = lookup(expected.hex());
            if (cached.isPresent()) {
                return cached.get();
            }
            createDirectory();
            TransientFailure last = null;
            for (int attempt = 1; attempt <= settings.maxAttempts(); attempt++) {
                if (attempt > 1) {
                    pause(attempt);
                }
                try {
                    return downloadOnce(uri, expected, maxBytes, allowPrivate);
                } catch (TransientFailure e) {
                    last = e;
                    LOG.warnf("image %s, attempt %d of %d: %s", uri, attempt, settings.maxAttempts(), e.getMessage());
                }
            }
            throw new ImageFetchException(Reason.DownloadFailed, "download of " + uri + " failed after "
                    + settings.maxAttempts() + " attempts: " + last.getMessage(), last);
        }
    }

    private CachedImage downloadOnce(URI url, Sha256Digest expected, long maxBytes, boolean allowPrivate)
            throws ImageFetchException, TransientFailure {
        Path partial = directory.resolve(expected.hex() + PARTIAL_SUFFIX);
        long resumeFrom = sizeOrZero(partial);
        HttpResponse<InputStream> response = send(url, resumeFrom, allowPrivate);
        try (InputStream body = response.body()) {
            boolean append = continuesPartial(response, url, resumeFrom, partial);
            long offset = append ? resumeFrom : 0;
            OptionalLong total = expectedTotal(response, offset);
            if (total.isPresent() && total.getAsLong() > maxBytes) {
                deleteQuietly(partial);
                throw tooLarge(url, maxBytes, total.getAsLong() + " bytes");
            }
            MessageDigest digest = Sha256Digest.newDigest();
            if (append) {
                hashExisting(partial, digest);
            }
            long received = copy(body, partial, append, offset, maxBytes, digest, url);
            if (total.isPresent() && received < total.getAsLong()) {
                throw new TransientFailure("connection closed after " + received + " of " + total.getAsLong() + " bytes");
            }
            Sha256Digest actual = Sha256Digest.of(digest);
            if (!actual.equals(expected)) {
                deleteQuietly(partial);
                if (append) {
                    // The bytes kept from an earlier attempt may be the bad ones: one clean try decides.
                    throw new TransientFailure("checksum mismatch after resuming at byte " + resumeFrom + "; starting over");
                }
                throw new ImageFetchException(Reason.ChecksumMismatch,
                        "checksum mismatch: expected " + expected + ", got " + actual + " (" + received + " bytes from " + url + ")");
            }
            Path target = directory.resolve(expected.hex());
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
            return new CachedImage(target, received, expected.hex());
        } catch (IOException e) {
            throw new ImageFetchException(Reason.CacheError, "cannot write to the image cache " + directory + ": " + e.getMessage(), e);
        }
    }

    /** Sends the GET (resuming when there is a partial file), following redirects after checking each target. */
    private HttpResponse<InputStream> send(URI url, long resumeFrom, boolean allowPrivate) throws ImageFetchException, TransientFailure {
        URI current = url;
        for (int redirects = 0; ; redirects++) {
            try {
                guard.check(current, allowPrivate);
            } catch (UnknownHostException e) {
                throw new TransientFailure("cannot resolve host " + current.getHost());
            }
            HttpRequest.Builder request = HttpRequest.newBuilder(current).GET().timeout(settings.stallTimeout());
            if (resumeFrom > 0) {
                request.header("Range", "bytes=" + resumeFrom + "-");
            }
            HttpResponse<InputStream> response;
            try {
                response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            } catch (IOException e) {
                throw new TransientFailure("cannot reach " + current.getHost() + ": " + describe(e));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ImageFetchException(Reason.DownloadFailed, "download of " + url + " was interrupted", e);
            }
            int status = response.statusCode();
            if (status != 301 && status != 302 && status != 303 && status != 307 && status != 308) {
                return response;
            }
            closeQuietly(response.body());
            Optional<String> location = response.headers().firstValue("Location");
            if (location.isEmpty()) {
                throw new ImageFetchException(Reason.HttpError, "HTTP " + status + " without a Location from " + current);
            }
            if (redirects >= settings.maxRedirects()) {
                throw new ImageFetchException(Reason.TooManyRedirects,
                        "more than " + settings.maxRedirects() + " redirects starting at " + url);
            }
            try {
                current = current.resolve(new URI(location.get()));
            } catch (URISyntaxException e) {
                throw new ImageFetchException(Reason.HttpError, "redirect from " + current + " to a malformed URL: " + location.get());
            }
        }
    }

    /**
     * Whether the body continues the partial file (206 at the right offset) or replaces it (200).
     * A server that ignores Range answers 200, which simply starts over.
     */
    private static boolean continuesPartial(HttpResponse<?> response, URI url, long resumeFrom, Path partial)
            throws ImageFetchException, TransientFailure {
        int status = response.statusCode();
        if (status == 200) {
            return false;
        }
        if (status == 206 && resumeFrom > 0) {
            OptionalLong start = contentRange(response).map(m -> OptionalLong.of(Long.parseLong(m.group(1)))).orElse(OptionalLong.empty());
            if (start.isPresent() && start.getAsLong() == resumeFrom) {
                return true;
            }
            deleteQuietly(partial);
            throw new TransientFailure("server answered a resume from byte " + resumeFrom + " with "
                    + response.headers().firstValue("Content-Range").orElse("no Content-Range") + "; starting over");
        }
        if (status == 416 && resumeFrom > 0) {
            deleteQuietly(partial);
            throw new TransientFailure("server cannot resume from byte " + resumeFrom + "; starting over");
        }
        if (status >= 500 || status == 408 || status == 429) {
            throw new TransientFailure("HTTP " + status + " from " + url);
        }
        throw new ImageFetchException(Reason.HttpError, "HTTP " + status + " from " + url);
    }

    /** Size of the whole artifact, when the server says. */
    private static OptionalLong expectedTotal(HttpResponse<?> response, long offset) {
        Optional<Matcher> range = contentRange(response);
        if (response.statusCode() == 206 && range.isPresent() && !range.get().group(3).equals("*")) {
            return OptionalLong.of(Long.parseLong(range.get().group(3)));
        }
        OptionalLong length = response.headers().firstValueAsLong("Content-Length");
        return length.isPresent() ? OptionalLong.of(offset + length.getAsLong()) : OptionalLong.empty();
    }

    private static Optional<Matcher> contentRange(HttpResponse<?> response) {
        return response.headers().firstValue("Content-Range").map(v -> CONTENT_RANGE.matcher(v.strip())).filter(Matcher::matches);
    }

    /**
     * Streams the body into the partial file. Network trouble is transient (the bytes so far stay
     * for the next attempt to resume from); a write failure is the cache's own, reported as such.
     */
    private long copy(InputStream body, Path partial, boolean append, long offset, long maxBytes, MessageDigest digest, URI url)
            throws IOException, ImageFetchException, TransientFailure {
        long received = offset;
        boolean tooLarge = false;
        try (FileChannel out = FileChannel.open(partial, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING);
             StallWatchdog watchdog = new StallWatchdog(body, settings.stallTimeout())) {
            byte[] buffer = new byte[BUFFER_BYTES];
            while (true) {
                int n;
                try {
                    n = body.read(buffer);
                } catch (IOException e) {
                    out.force(true);
                    throw new TransientFailure(watchdog.stalled() ? stalledMessage(received)
                            : "connection lost after " + received + " bytes: " + describe(e));
                }
                if (n < 0) {
                    break;
                }
                watchdog.progressed(n);
                received += n;
                if (received > maxBytes) {
                    tooLarge = true;
                    break;
                }
                digest.update(buffer, 0, n);
                ByteBuffer chunk = ByteBuffer.wrap(buffer, 0, n);
                while (chunk.hasRemaining()) {
                    out.write(chunk);
                }
            }
            out.force(true);
            if (watchdog.stalled()) {
                throw new TransientFailure(stalledMessage(received));
            }
        }
        if (tooLarge) {
            deleteQuietly(partial);
            throw tooLarge(url, maxBytes, "more than " + maxBytes + " bytes");
        }
        return received;
    }

    private String stalledMessage(long received) {
        Duration timeout = settings.stallTimeout();
        return "no data for " + (timeout.toMillis() < 1000 ? timeout.toMillis() + " ms" : timeout.toSeconds() + " s")
                + " after " + received + " bytes";
    }

    private static ImageFetchException tooLarge(URI url, long maxBytes, String size) {
        return new ImageFetchException(Reason.TooLarge,
                "image at " + url + " is " + size + ", over the node's limit of " + maxBytes + " bytes");
    }

    private static void hashExisting(Path partial, MessageDigest digest) throws IOException {
        try (InputStream in = Files.newInputStream(partial)) {
            byte[] buffer = new byte[BUFFER_BYTES];
            for (int n; (n = in.read(buffer)) >= 0; ) {
                digest.update(buffer, 0, n);
            }
        }
    }

    private static URI parse(String url) throws ImageFetchException {
        try {
            URI uri = new URI(url == null ? "" : url.strip());
            if (uri.isAbsolute()) {
                return uri;
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        throw new ImageFetchException(Reason.InvalidUrl, "image URL is not a valid absolute URL: " + url);
    }

    private void createDirectory() throws ImageFetchException {
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new ImageFetchException(Reason.CacheError, "cannot create the image cache " + directory + ": " + e.getMessage(), e);
        }
    }

    private void pause(int attempt) throws ImageFetchException {
        try {
            Thread.sleep(settings.backoffBefore(attempt).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ImageFetchException(Reason.DownloadFailed, "download interrupted", e);
        }
    }

    private static long sizeOrZero(Path file) {
        try {
            return Files.isRegularFile(file) ? Files.size(file) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warnf("cannot delete %s: %s", file, e.getMessage());
        }
    }

    private static void closeQuietly(InputStream stream) {
        try {
            stream.close();
        } catch (IOException ignored) {
            // A redirect's body is of no interest.
        }
    }

    /** The JDK client reports a dropped connection as "closed" and keeps the telling part in the root cause. */
    private static String describe(IOException e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == e ? name(e) : name(e) + " (" + name(root) + ")";
    }

    private static String name(Throwable t) {
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getClass().getSimpleName() + ": " + t.getMessage();
    }

    /** A failure worth another attempt: network trouble, a 5xx, a server that cannot resume. */
    private static final class TransientFailure extends Exception {
        private static final long serialVersionUID = 1L;

        TransientFailure(String message) {
            super(message, null, false, false);
        }
    }
}
