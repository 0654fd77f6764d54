package dev.cirrus.node.compute;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@link IsoTool} through {@code xorriso -as mkisofs}. The only class here that starts a process;
 * it is meant to move onto the project's HostCommands layer, which is why argv is built separately.
 */
public final class XorrisoIsoTool implements IsoTool {
    private static final int OUTPUT_TAIL_CHARS = 2000;
    private final Duration timeout;

    public XorrisoIsoTool(Duration timeout) {
        this.timeout = timeout;
    }

    /** The command, as an argument list: paths go to xorriso as they are, never through a shell. */
    static List<String> argv(Path sourceDir, String volumeId, Path iso) {
        return List.of("xorriso", "-as", "mkisofs", "-V", volumeId, "-J", "-R", "-o", iso.toString(), sourceDir.toString());
    }

    @Override
    public void createIso(Path sourceDir, String volumeId, Path iso) throws IOException {
        List<String> argv = argv(sourceDir, volumeId, iso);
        Process process = new ProcessBuilder(argv).redirectErrorStream(true).start();
        process.getOutputStream().close();
        // Read the output concurrently: a full pipe would block xorriso and turn into a false timeout.
        CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> readAll(process.getInputStream()));
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IOException(argv + " did not finish within " + timeout.toSeconds() + "s");
            }
            if (process.exitValue() != 0) {
                throw new IOException(argv + " exited with " + process.exitValue() + ": " + tail(output.get(5, TimeUnit.SECONDS)));
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException(argv + " interrupted", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException(argv + " failed and its output could not be read", e);
        }
    }

    private static String readAll(InputStream stream) {
        try (stream) {
            return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(output unreadable: " + e.getMessage() + ")";
        }
    }

    private static String tail(String output) {
        String trimmed = output.strip();
        return trimmed.length() <= OUTPUT_TAIL_CHARS ? trimmed : "..." + trimmed.substring(trimmed.length() - OUTPUT_TAIL_CHARS);
    }
}
