package dev.cirrus.node.compute;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;

import com.sun.net.httpserver.HttpServer;
import dev.cirrus.node.host.Command;
import dev.cirrus.node.host.HostCommands;

/**
 * The test guest (hack/build-testguest.sh: {@code vmlinuz}, {@code initrd.img}) copied into a directory
 * and served over HTTP on loopback, for Images that point at it (node daemons must allow private URLs).
 */
public final class TestGuestServer implements AutoCloseable {
    private final Path dir;
    private final HttpServer http;

    private TestGuestServer(Path dir, HttpServer http) {
        this.dir = dir;
        this.http = http;
    }

    public static TestGuestServer start(HostCommands host, Path repoRoot, Path dir) throws IOException {
        host.run(Command.of(repoRoot.resolve("hack/build-testguest.sh").toString(), "--install-dir", dir.toString())
                .withTimeout(Duration.ofMinutes(5)));
        HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/", exchange -> {
            Path file = dir.resolve(exchange.getRequestURI().getPath().substring(1)).normalize();
            if (!file.startsWith(dir) || !Files.isRegularFile(file)) {
                exchange.sendResponseHeaders(404, -1);
                exchange.close();
                return;
            }
            exchange.sendResponseHeaders(200, Files.size(file));
            try (OutputStream out = exchange.getResponseBody()) {
                Files.copy(file, out);
            }
        });
        http.start();
        return new TestGuestServer(dir, http);
    }

    /** A local file of the guest: {@code vmlinuz} or {@code initrd.img}. */
    public Path file(String name) {
        return dir.resolve(name);
    }

    public String url(String name) {
        return "http://127.0.0.1:" + http.getAddress().getPort() + "/" + name;
    }

    /** {@code sha256:<hex>} of a guest file, as an Image's checksum. */
    public String checksum(String name) throws IOException {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file(name))));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        http.stop(0);
    }
}
