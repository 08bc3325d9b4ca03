package dev.arbor.observer;

import com.sun.net.httpserver.HttpServer;
import dev.arbor.Supervisor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A live view of a supervisor tree in the browser, like Erlang's observer: one page, served by the
 * JDK's HTTP server, that shows the tree, each child's state, restarts and last failure, each
 * supervisor's failure count against its threshold and remaining backoff, and a sparkline of the
 * services it started per interval (its restart rate), pushed to the page with server-sent events.
 *
 * {@snippet :
 * try (Observer observer = Observer.builder(root).port(8086).start()) {
 *     System.out.println("Observing " + root.name() + " at " + observer.url());
 *     root.awaitTermination(Duration.ofDays(365));
 * }
 * }
 *
 * <ul>
 *   <li><b>Read-only</b>: it answers {@code GET} only and offers no action on the tree.</li>
 *   <li><b>Local by default</b>: bound to 127.0.0.1, it answers only requests addressed to a
 *       loopback name and its port, so a web page that rebinds its own name to 127.0.0.1 cannot
 *       read the tree. Binding another address ({@link Builder#bindAddress}) shows the tree, failure
 *       messages included, to whoever reaches it.</li>
 *   <li><b>Cost</b>: one {@link Supervisor#health()} snapshot per interval on one daemon thread,
 *       however many pages are open; each open page holds one virtual thread and one connection, at
 *       most {@link Builder#maxClients} at a time. A page that goes away frees both within one
 *       interval.</li>
 *   <li><b>Independent of the tree</b>: it neither starts nor stops the supervisor; it can watch one
 *       that is new, running or terminated. Failure messages are shown as text, never as markup.</li>
 * </ul>
 *
 * Thread-safe. {@link #close()} stops the server, ends every stream and the sampler thread.
 */
public final class Observer implements AutoCloseable {
    /** How long {@link #close()} waits for the threads it ends. */
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);
    /** A comment line this often keeps an idle stream's connection alive (frames are far more frequent). */
    private static final Duration KEEP_ALIVE = Duration.ofSeconds(15);

    private final HttpServer server;
    private final ExecutorService httpThreads;
    private final Sampler sampler;
    private final FrameBoard board;
    private final Routes routes;
    private final URI url;
    private final AtomicBoolean closed = new AtomicBoolean();

    private Observer(HttpServer server, ExecutorService httpThreads, Sampler sampler, FrameBoard board,
                     Routes routes, URI url) {
        this.server = server;
        this.httpThreads = httpThreads;
        this.sampler = sampler;
        this.board = board;
        this.routes = routes;
        this.url = url;
    }

    /**
     * A builder for an observer of {@code root} and every supervisor below it.
     *
     * @param root the supervisor to show
     * @return a builder with the defaults: 127.0.0.1, an ephemeral port, a frame every 500 ms,
     *         60 sparkline points, at most 8 open pages
     * @throws NullPointerException if root is null
     */
    public static Builder builder(Supervisor root) {
        return new Builder(Objects.requireNonNull(root, "root must not be null"));
    }

    /**
     * Where the page is: {@code http://127.0.0.1:<port>/} with the port actually bound (the
     * ephemeral one when the builder said 0). For a wildcard binding, the loopback address.
     *
     * @return the page's URL; the same after {@link #close()}
     */
    public URI url() {
        return url;
    }

    /**
     * Stops serving: closes every open stream (the pages show that they are disconnected), stops
     * the HTTP server and the sampler, and waits up to 5 seconds for their threads to end.
     * Idempotent; does not touch the supervisor. If interrupted while waiting, it returns at once
     * with the interrupt flag set.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        board.close();
        server.stop(0);
        httpThreads.shutdownNow();
        try {
            sampler.stop(CLOSE_WAIT);
            httpThreads.awaitTermination(CLOSE_WAIT.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "Observer[" + url + (closed.get() ? ", closed]" : "]");
    }

    /** Streams open now; for tests. */
    int openStreams() {
        return routes.openStreams();
    }

    /** True once {@link #close()} has ended every thread it started; for tests. */
    boolean threadsEnded() {
        return sampler.isTerminated() && httpThreads.isTerminated();
    }

    /**
     * Configures and starts an {@link Observer}. Each setter checks its argument at once and names
     * a bad value; the builder is not thread-safe, and {@link #start()} may be called more than once
     * (each call starts another observer).
     */
    public static final class Builder {
        private static final Duration MIN_INTERVAL = Duration.ofMillis(10);
        private static final Duration MAX_INTERVAL = Duration.ofMinutes(1);

        private final Supervisor root;
        private InetAddress bindAddress = InetAddress.getLoopbackAddress();
        private int port;
        private Duration interval = Duration.ofMillis(500);
        private int historySize = 60;
        private int maxClients = 8;

        private Builder(Supervisor root) {
            this.root = root;
        }

        /**
         * The TCP port to listen on; 0 (the default) picks a free one, which {@link Observer#url()}
         * then tells.
         *
         * @param port 0..65535
         * @return this builder
         * @throws IllegalArgumentException if port is outside 0..65535
         */
        public Builder port(int port) {
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException("port must be in 0..65535, was " + port);
            }
            this.port = port;
            return this;
        }

        /**
         * The address to listen on; default the loopback address (127.0.0.1), reachable from this
         * machine only. Any other address shows the tree and its failure messages to every client
         * that reaches it, with no authentication.
         *
         * @param address the local address to bind
         * @return this builder
         * @throws NullPointerException if address is null
         */
        public Builder bindAddress(InetAddress address) {
            this.bindAddress = Objects.requireNonNull(address, "bindAddress must not be null");
            return this;
        }

        /**
         * How often a snapshot is taken and pushed to every open page; default 500 ms. It is also
         * the sparkline's time step, and bounds how long a change takes to show.
         *
         * @param interval 10 ms to 1 minute
         * @return this builder
         * @throws NullPointerException     if interval is null
         * @throws IllegalArgumentException if interval is shorter than 10 ms or longer than 1 minute
         */
        public Builder interval(Duration interval) {
            Objects.requireNonNull(interval, "interval must not be null");
            if (interval.compareTo(MIN_INTERVAL) < 0 || interval.compareTo(MAX_INTERVAL) > 0) {
                throw new IllegalArgumentException("interval must be in 10ms..1m, was " + interval);
            }
            this.interval = interval;
            return this;
        }

        /**
         * How many intervals each supervisor's sparkline covers; default 60 (30 seconds at the
         * default interval). The memory kept is this many numbers per supervisor in the tree.
         *
         * @param points 2..3600
         * @return this builder
         * @throws IllegalArgumentException if points is outside 2..3600
         */
        public Builder historySize(int points) {
            if (points < 2 || points > 3600) {
                throw new IllegalArgumentException("historySize must be in 2..3600, was " + points);
            }
            this.historySize = points;
            return this;
        }

        /**
         * How many pages may watch at once (each holds one open stream); default 8. One more is
         * answered 503 until another closes.
         *
         * @param clients 1..1024
         * @return this builder
         * @throws IllegalArgumentException if clients is outside 1..1024
         */
        public Builder maxClients(int clients) {
            if (clients < 1 || clients > 1024) {
                throw new IllegalArgumentException("maxClients must be in 1..1024, was " + clients);
            }
            this.maxClients = clients;
            return this;
        }

        /**
         * Takes the first snapshot, binds the port and starts serving. The page is available when
         * this returns.
         *
         * @return the running observer; close it to stop serving
         * @throws UncheckedIOException if the address and port cannot be bound (for example, the
         *                              port is in use); the message names them
         */
        public Observer start() {
            HttpServer server;
            try {
                server = HttpServer.create(new InetSocketAddress(bindAddress, port), 0);
            } catch (IOException e) {
                throw new UncheckedIOException("arbor-observer cannot listen on "
                        + HostCheck.hostLiteral(bindAddress) + ":" + port + ": " + e.getMessage(), e);
            }
            int boundPort = server.getAddress().getPort();
            FrameBoard board = new FrameBoard();
            Sampler sampler = new Sampler(root, interval, historySize, board);
            Routes routes = new Routes(board, HostCheck.forBinding(bindAddress, boundPort), maxClients, KEEP_ALIVE);
            ExecutorService httpThreads = Executors.newThreadPerTaskExecutor(
                    Thread.ofVirtual().name("arbor-observer-http-", 0).factory());
            server.createContext("/", routes);
            server.setExecutor(httpThreads);
            try {
                sampler.start();
                server.start();
            } catch (RuntimeException e) {
                server.stop(0);
                httpThreads.shutdownNow();
                board.close();
                try {
                    sampler.stop(CLOSE_WAIT);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                }
                throw e;
            }
            InetAddress shown = bindAddress.isAnyLocalAddress() ? InetAddress.getLoopbackAddress() : bindAddress;
            URI url = URI.create("http://" + HostCheck.hostLiteral(shown) + ":" + boundPort + "/");
            return new Observer(server, httpThreads, sampler, board, routes, url);
        }
    }
}
