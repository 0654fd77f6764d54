package dev.cirrus.node.image;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * An HTTP server on 127.0.0.1 that answers requests from a script, one responder per request
 * (the last one repeats), and records what it was asked and how many body bytes it sent.
 */
final class ImageServer implements AutoCloseable {
    private static final Pattern RANGE = Pattern.compile("^bytes=(\\d+)-$");

    interface Responder {
        void respond(HttpExchange exchange, ImageServer server) throws IOException;
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final Deque<Responder> script;
    private final CountDownLatch released = new CountDownLatch(1);
    final List<String> rangeHeaders = new CopyOnWriteArrayList<>();
    final AtomicLong bodyBytesSent = new AtomicLong();

    private ImageServer(Responder... responders) throws IOException {
        script = new ArrayDeque<>(Arrays.asList(responders));
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(executor);
        server.createContext("/", exchange -> {
            rangeHeaders.add(String.valueOf(exchange.getRequestHeaders().getFirst("Range")));
            Responder next;
            synchronized (script) {
                next = script.size() > 1 ? script.poll() : script.peek();
            }
            try {
                next.respond(exchange, this);
            } finally {
                exchange.close();
            }
        });
        server.start();
    }

    static ImageServer start(Responder... responders) throws IOException {
        return new ImageServer(responders);
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    int requests() {
        return rangeHeaders.size();
    }

    @Override
    public void close() {
        released.countDown();
        server.stop(0);
        executor.shutdownNow();
    }

    private void send(HttpExchange exchange, byte[] body, int from, int to) throws IOException {
        OutputStream out = exchange.getResponseBody();
        out.write(body, from, to - from);
        out.flush();
        bodyBytesSent.addAndGet(to - from);
    }

    /** 200 with the whole body and its length; ignores Range. */
    static Responder full(byte[] body) {
        return (exchange, server) -> {
            exchange.sendResponseHeaders(200, body.length);
            server.send(exchange, body, 0, body.length);
        };
    }

    /** Honours {@code Range: bytes=N-} with a 206, otherwise 200. */
    static Responder rangeAware(byte[] body) {
        return (exchange, server) -> {
            Matcher range = RANGE.matcher(String.valueOf(exchange.getRequestHeaders().getFirst("Range")));
            if (!range.matches()) {
                full(body).respond(exchange, server);
                return;
            }
            int from = Integer.parseInt(range.group(1));
            if (from >= body.length) {
                exchange.getResponseHeaders().add("Content-Range", "bytes */" + body.length);
                exchange.sendResponseHeaders(416, -1);
                return;
            }
            exchange.getResponseHeaders().add("Content-Range", "bytes " + from + "-" + (body.length - 1) + "/" + body.length);
            exchange.sendResponseHeaders(206, body.length - from);
            server.send(exchange, body, from, body.length);
        };
    }

    /** Promises the whole body, sends {@code bytes} of it, then drops the connection. */
    static Responder dropAfter(byte[] body, int bytes) {
        return (exchange, server) -> {
            exchange.sendResponseHeaders(200, body.length);
            server.send(exchange, body, 0, bytes);
            pause(300); // let the client take in what was sent before the connection goes
            // The JDK server closes the connection when a handler throws.
            throw new IOException("dropping the connection on purpose");
        };
    }

    /** Promises the whole body, sends {@code bytes} of it, then sends nothing until the server closes. */
    static Responder stallAfter(byte[] body, int bytes) {
        return (exchange, server) -> {
            exchange.sendResponseHeaders(200, body.length);
            server.send(exchange, body, 0, bytes);
            try {
                server.released.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
    }

    /** 200 in chunked encoding: no Content-Length to judge the size by. */
    static Responder chunked(byte[] body) {
        return (exchange, server) -> {
            exchange.sendResponseHeaders(200, 0);
            server.send(exchange, body, 0, body.length);
        };
    }

    static Responder status(int code) {
        return (exchange, server) -> exchange.sendResponseHeaders(code, -1);
    }

    static Responder redirect(int code, String location) {
        return (exchange, server) -> {
            exchange.getResponseHeaders().add("Location", location);
            exchange.sendResponseHeaders(code, -1);
        };
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
