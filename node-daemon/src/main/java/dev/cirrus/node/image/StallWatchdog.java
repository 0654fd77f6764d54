package dev.cirrus.node.image;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Closes a response body that stops delivering bytes. The JDK HTTP client has no read timeout for
 * a streamed body, and a server that keeps the connection open but sends nothing would otherwise
 * hold a download (and the image's lock) forever.
 */
final class StallWatchdog implements AutoCloseable {
    private final AtomicLong progress = new AtomicLong();
    private final ScheduledExecutorService timer;
    private volatile boolean stalled;

    StallWatchdog(Closeable body, Duration timeout) {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "image-download-watchdog");
            thread.setDaemon(true);
            return thread;
        });
        long period = Math.max(1, timeout.toMillis());
        long[] seen = {-1};
        timer.scheduleAtFixedRate(() -> {
            long now = progress.get();
            if (now == seen[0]) {
                stalled = true;
                try {
                    body.close();
                } catch (IOException ignored) {
                    // The reader sees the closed stream either way; the flag says why.
                }
                timer.shutdown();
            }
            seen[0] = now;
        }, period, period, TimeUnit.MILLISECONDS);
    }

    void progressed(long bytes) {
        progress.addAndGet(bytes);
    }

    boolean stalled() {
        return stalled;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
