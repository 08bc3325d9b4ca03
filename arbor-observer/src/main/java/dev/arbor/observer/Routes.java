package dev.arbor.observer;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Every URL the observer answers, all read-only ({@code GET}):
 * <ul>
 *   <li>{@code /}: the page; {@code /observer.css} and {@code /observer.js}: its style and script
 *       (separate files, so that the page's Content-Security-Policy can forbid inline script);</li>
 *   <li>{@code /snapshot.json}: the newest frame ({@link SnapshotJson});</li>
 *   <li>{@code /events}: the same frames as server-sent events ({@code event: snapshot}), the newest
 *       at once and then each new one, at most {@code maxClients} streams at a time (more get 503).</li>
 * </ul>
 * A request whose {@code Host} the {@link HostCheck} refuses gets 403 (a web page that rebinds its
 * own host name to 127.0.0.1 cannot read the tree); another method 405; another path 404. Each
 * stream runs on the HTTP server's thread for its exchange and ends when the client goes (the next
 * write fails, within one interval), or when the observer closes.
 */
final class Routes implements HttpHandler {
    private static final String HTML_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    private static final byte[] STREAM_PREAMBLE = "retry: 2000\n\n".getBytes(StandardCharsets.UTF_8);
    private static final byte[] KEEP_ALIVE = ": keep-alive\n\n".getBytes(StandardCharsets.UTF_8);

    private record Resource(String contentType, byte[] body) {
    }

    private final Map<String, Resource> resources = Map.of(
            "/", resource("index.html", "text/html; charset=utf-8"),
            "/observer.css", resource("observer.css", "text/css; charset=utf-8"),
            "/observer.js", resource("observer.js", "text/javascript; charset=utf-8"));
    private final FrameBoard board;
    private final HostCheck hosts;
    private final Semaphore streamSlots;
    private final int maxClients;
    private final Duration keepAlive;

    Routes(FrameBoard board, HostCheck hosts, int maxClients, Duration keepAlive) {
        this.board = board;
        this.hosts = hosts;
        this.maxClients = maxClients;
        this.streamSlots = new Semaphore(maxClients);
        this.keepAlive = keepAlive;
    }

    /** Streams open now. */
    int openStreams() {
        return maxClients - streamSlots.availablePermits();
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            commonHeaders(exchange.getResponseHeaders());
            String path = exchange.getRequestURI().getRawPath();
            if (!hosts.allows(exchange.getRequestHeaders().getFirst("Host"))) {
                text(exchange, 403, "unexpected Host header; open the URL the observer printed");
            } else if (!"GET".equals(exchange.getRequestMethod())) {
                exchange.getResponseHeaders().set("Allow", "GET");
                text(exchange, 405, "the observer is read-only: GET only");
            } else if ("/events".equals(path)) {
                stream(exchange);
            } else if ("/snapshot.json".equals(path)) {
                FrameBoard.Frame frame = board.latest();
                send(exchange, 200, "application/json; charset=utf-8",
                        (frame == null ? "{}" : frame.json()).getBytes(StandardCharsets.UTF_8));
            } else if (resources.containsKey(path)) {
                Resource r = resources.get(path);
                if (path.equals("/")) {
                    exchange.getResponseHeaders().set("Content-Security-Policy", HTML_POLICY);
                }
                send(exchange, 200, r.contentType(), r.body());
            } else {
                text(exchange, 404, "not found: " + path);
            }
        }
    }

    private void stream(HttpExchange exchange) throws IOException {
        if (!streamSlots.tryAcquire()) {
            exchange.getResponseHeaders().set("Retry-After", "5");
            text(exchange, 503, "too many open views (at most " + maxClients + "); close one and reload");
            return;
        }
        try {
            exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
            exchange.sendResponseHeaders(200, 0);
            OutputStream out = exchange.getResponseBody();
            out.write(STREAM_PREAMBLE);
            out.flush();
            sendFrames(out);
        } catch (IOException e) {
            // The client went away: the normal end of a stream.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            streamSlots.release();
        }
    }

    private void sendFrames(OutputStream out) throws IOException, InterruptedException {
        long seen = 0;
        while (true) {
            FrameBoard.Frame frame = board.awaitNewer(seen, keepAlive.toNanos(), TimeUnit.NANOSECONDS);
            if (frame == null) {
                if (board.isClosed()) {
                    return;
                }
                out.write(KEEP_ALIVE);   // also finds out, without a frame to send, that the client left
            } else {
                out.write(("id: " + frame.seq() + "\nevent: snapshot\ndata: " + frame.json() + "\n\n")
                        .getBytes(StandardCharsets.UTF_8));
                seen = frame.seq();
            }
            out.flush();
        }
    }

    private static void commonHeaders(Headers h) {
        h.set("Cache-Control", "no-store");
        h.set("X-Content-Type-Options", "nosniff");
        h.set("Referrer-Policy", "no-referrer");
        h.set("X-Frame-Options", "DENY");
    }

    private static void text(HttpExchange exchange, int status, String message) throws IOException {
        send(exchange, status, "text/plain; charset=utf-8", (message + "\n").getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);   // 0 would mean chunked
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private static Resource resource(String name, String contentType) {
        try (InputStream in = Routes.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("arbor-observer is missing its resource " + name);
            }
            return new Resource(contentType, in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("arbor-observer cannot read its resource " + name, e);
        }
    }
}
