package dev.cirrus.node.agent;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import dev.cirrus.api.v1alpha1.HypervisorStatus.ImageCacheEntry;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import dev.cirrus.node.image.ImageCache;
import dev.cirrus.node.image.ImageFetchException;
import org.jboss.logging.Logger;

/**
 * Image downloads on their own threads, so that a slow or large download never holds up the
 * agent's loop (other VMs keep being reconciled). The loop polls: a verified file, "still
 * downloading" (empty), or the last failure, which stands for a back-off period before the next
 * attempt (each attempt may download the whole artifact again). A finished download calls
 * {@code onDone} so the waiting VMs are reconciled at once.
 */
final class ImageFetches implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ImageFetches.class);

    private final ImageCache cache;
    private final Runnable onDone;
    private final Duration backoff;
    private final long maxBytes;
    private final boolean allowPrivate;
    private final Clock clock;
    private final ExecutorService downloads = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "image-fetch");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, Fetch> fetches = new ConcurrentHashMap<>();

    ImageFetches(ImageCache cache, Runnable onDone, Duration backoff, long maxBytes, boolean allowPrivate, Clock clock) {
        this.cache = cache;
        this.onDone = onDone;
        this.backoff = backoff;
        this.maxBytes = maxBytes;
        this.allowPrivate = allowPrivate;
        this.clock = clock;
    }

    /**
     * The verified file for this URL and checksum when the cache has it; empty while its download
     * runs (starting one if none runs and no failure is fresh).
     *
     * @throws ImageFetchException the last attempt's failure, during its back-off
     * @throws IllegalArgumentException a malformed checksum
     */
    Optional<Path> poll(String url, String checksum) throws ImageFetchException {
        var cached = cache.lookup(checksum);
        if (cached.isPresent()) {
            return Optional.of(cached.get().path());
        }
        String key = url + "|" + checksum;
        Fetch fetch = fetches.get(key);
        if (fetch instanceof Failed failed) {
            if (failed.retryAfter().isAfter(clock.instant())) {
                throw failed.error();
            }
            fetches.remove(key, failed);
        } else if (fetch instanceof Running) {
            return Optional.empty();
        }
        if (fetches.putIfAbsent(key, new Running()) == null) {
            downloads.execute(() -> download(key, url, checksum));
        }
        return Optional.empty();
    }

    /**
     * What this node can say about an artifact, for the Image's per-node state: held (Ready),
     * being fetched (Downloading), last attempt failed (Failed), or nothing (never asked for).
     */
    Optional<ImageCacheEntry> state(String url, String checksum) {
        ImageCacheEntry entry = new ImageCacheEntry();
        entry.checksum = checksum;
        var cached = cache.lookup(checksum);
        Fetch fetch = fetches.get(url + "|" + checksum);
        if (cached.isPresent()) {
            entry.state = "Ready";
            entry.sizeBytes = cached.get().size();
        } else if (fetch instanceof Running) {
            entry.state = "Downloading";
        } else if (fetch instanceof Failed failed) {
            entry.state = "Failed";
            entry.message = failed.error().reason() + ": " + failed.error().getMessage();
        } else {
            return Optional.empty();
        }
        return Optional.of(entry);
    }

    /** Cache file names (hex digests) that a download is writing now: never garbage. */
    Set<String> downloading() {
        return fetches.entrySet().stream().filter(e -> e.getValue() instanceof Running)
                .map(e -> e.getKey().substring(e.getKey().lastIndexOf(':') + 1).toLowerCase(java.util.Locale.ROOT))
                .collect(Collectors.toSet());
    }

    private void download(String key, String url, String checksum) {
        try {
            cache.fetch(url, checksum, maxBytes, allowPrivate);
            fetches.remove(key);
        } catch (ImageFetchException e) {
            fetches.put(key, new Failed(e, clock.instant().plus(backoff)));
        } catch (RuntimeException e) {
            LOG.warnf(e, "image download %s", url);
            fetches.put(key, new Failed(new ImageFetchException(ImageFetchException.Reason.CacheError, e.getMessage(), e),
                    clock.instant().plus(backoff)));
        }
        onDone.run();
    }

    @Override
    public void close() {
        downloads.shutdownNow();
        try {
            downloads.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private sealed interface Fetch permits Running, Failed {
    }

    private record Running() implements Fetch {
    }

    private record Failed(ImageFetchException error, Instant retryAfter) implements Fetch {
    }
}
