package dev.arbor;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadFactory;
import java.util.function.Consumer;

/**
 * Runs {@link Service}s, each on its own thread, restarts them when they fail, protects the
 * process from restart storms, and stops them cleanly and in order. A supervisor is a service
 * too, so supervisors nest into trees.
 *
 * <p><b>Quick start</b>
 * <pre>{@code
 * try (Supervisor root = Supervisor.builder("app").strategy(Strategy.ONE_FOR_ONE).build()) {
 *     root.add("consumer", ctx -> { while (!ctx.isStopping()) consumeOne(); });
 *     root.add(ChildSpec.of("poller", poller).withRestart(Restart.TRANSIENT));
 *     root.run();   // until stopped, or until the tree terminates
 * }
 * }</pre>
 *
 * <p><b>Restart storms</b>. Each counted failure at time {@code t} updates the decayed count
 * {@code failures = failures * 0.5^((t - tPrevious) / failureDecay) + 1} (the first failure sets
 * it to 1). When {@code failures > failureThreshold} the supervisor enters
 * {@link SupervisorState#BACKOFF} for {@code backoffJitter.apply(failureBackoff)}: the failed child
 * and any child that fails meanwhile wait, the others keep running, and failures during the backoff
 * do not extend it. When it ends the count is reset to 0 and the waiting children restart in add
 * order.
 *
 * <p><b>Trees</b>. A supervisor added as a child is run by its parent, without a thread of its
 * own; its parent may run it again after stopping it for a restart. It may be the child of at
 * most one supervisor, ever. {@link TerminateTreeException} terminates a supervisor and, unless
 * {@code propagateTermination(false)}, its ancestors; a fatal JVM error (a
 * {@link VirtualMachineError} other than {@link StackOverflowError}) always terminates the whole
 * tree rather than restart into a broken JVM, and the root's {@link #run()} throws it.
 *
 * <p><b>Threads</b>. All methods are thread-safe. Each supervisor guards its state with one lock
 * that is never held while blocking or while calling user code. The supervisor itself owns no
 * thread: it reacts to runs ending, to its clock's timers and to calls; so when every carrier
 * thread is busy with children spinning on the CPU, timers (on the system clock's platform
 * thread) still abandon children that ignore their stop request. Waits of the supervisor itself
 * (backoff, decay, shutdown timeouts) come from its {@link SupervisorClock}; only the caller's
 * own waits ({@link #removeAndWait}, {@link #awaitTermination}) use real time.
 */
public final class Supervisor implements Service, AutoCloseable {
    final Config config;

    private Supervisor(Config config) {
        this.config = config;
    }

    /**
     * A builder with every default.
     *
     * @throws NullPointerException     if name is null
     * @throws IllegalArgumentException if name is blank
     */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** A supervisor with every default; the same as {@code builder(name).build()}. */
    public static Supervisor create(String name) {
        return builder(name).build();
    }

    /** The name given to the builder. */
    public String name() {
        return config.name();
    }


    /** Where it is in its life. */
    public SupervisorState state() { throw new UnsupportedOperationException(); }

    /** Adds a PERMANENT child. */
    public ServiceRef add(String name, Service service) { return add(ChildSpec.of(name, service)); }

    /** Adds a child. */
    public ServiceRef add(ChildSpec spec) { throw new UnsupportedOperationException(); }

    /** Asks a child to stop and removes it. */
    public boolean remove(ServiceRef ref) { throw new UnsupportedOperationException(); }

    /** remove and wait. */
    public boolean removeAndWait(ServiceRef ref, Duration timeout) throws InterruptedException { throw new UnsupportedOperationException(); }

    /** snapshot. */
    public List<ChildInfo> children() { throw new UnsupportedOperationException(); }

    /** start. */
    public void start() { throw new UnsupportedOperationException(); }

    /** run. */
    public void run() throws Exception { throw new UnsupportedOperationException(); }

    /** stop. */
    public StopReport stop() throws InterruptedException { throw new UnsupportedOperationException(); }

    /** close. */
    @Override public void close() { throw new UnsupportedOperationException(); }

    /** await. */
    public boolean awaitTermination(Duration timeout) throws InterruptedException { throw new UnsupportedOperationException(); }

    /** cause. */
    public Optional<Throwable> terminationCause() { throw new UnsupportedOperationException(); }

    /** serve. */
    @Override public void serve(ServiceContext ctx) throws Exception { throw new UnsupportedOperationException(); }

    /**
     * Builds supervisors. Every setter validates at once and names the bad value; {@link #build()}
     * copies the settings into an immutable configuration, so a builder may be reused. Not
     * thread-safe.
     */
    public static final class Builder {
        private final String name;
        private Strategy strategy = Strategy.ONE_FOR_ONE;
        private double failureThreshold = 5.0;
        private Duration failureDecay = Duration.ofSeconds(30);
        private Duration failureBackoff = Duration.ofSeconds(15);
        private Jitter backoffJitter = Jitter.uniform(0.5);
        private Duration shutdownTimeout = Duration.ofSeconds(10);
        private StopOrder stopOrder = StopOrder.REVERSE;
        private boolean propagateTermination = true;
        private Consumer<? super SupervisorEvent> listener;
        private SupervisorClock clock = SupervisorClock.system();
        private ThreadFactory threadFactory;

        private Builder(String name) {
            Objects.requireNonNull(name, "supervisor name must not be null");
            if (name.isBlank()) {
                throw new IllegalArgumentException("supervisor name must not be blank, was \"" + name + "\"");
            }
            this.name = name;
        }

        /** Which children restart when one fails. Default {@link Strategy#ONE_FOR_ONE}. */
        public Builder strategy(Strategy s) {
            this.strategy = Objects.requireNonNull(s, "strategy must not be null");
            return this;
        }

        /**
         * How many decayed failures are tolerated; one more (strictly greater) starts a backoff.
         * Default 5.0. Zero makes every counted failure start a backoff.
         *
         * @throws IllegalArgumentException if negative, NaN or infinite
         */
        public Builder failureThreshold(double failures) {
            if (!(failures >= 0) || Double.isInfinite(failures)) {
                throw new IllegalArgumentException("failureThreshold must be finite and >= 0, was " + failures);
            }
            this.failureThreshold = failures;
            return this;
        }

        /**
         * The half-life of the failure count. Default 30 s. Zero keeps no memory: each counted
         * failure sets the count to 1.
         *
         * @throws IllegalArgumentException if negative
         */
        public Builder failureDecay(Duration halfLife) {
            this.failureDecay = nonNegative(halfLife, "failureDecay");
            return this;
        }

        /**
         * How long failed children wait once the threshold is exceeded, before jitter.
         * Default 15 s. Zero ends the backoff at once (on the clock's next tick).
         *
         * @throws IllegalArgumentException if negative
         */
        public Builder failureBackoff(Duration backoff) {
            this.failureBackoff = nonNegative(backoff, "failureBackoff");
            return this;
        }

        /** Spreads backoffs. Default {@code Jitter.uniform(0.5)}: a delay in {@code [d, 1.5 d)}. */
        public Builder backoffJitter(Jitter jitter) {
            this.backoffJitter = Objects.requireNonNull(jitter, "backoffJitter must not be null");
            return this;
        }

        /**
         * How long a stop waits for each child, unless its {@link ChildSpec} says otherwise.
         * Default 10 s. Zero reports a child that has not already ended as unstopped at once.
         *
         * @throws IllegalArgumentException if negative
         */
        public Builder shutdownTimeout(Duration timeout) {
            this.shutdownTimeout = nonNegative(timeout, "shutdownTimeout");
            return this;
        }

        /** The order of stops. Default {@link StopOrder#REVERSE}. */
        public Builder stopOrder(StopOrder order) {
            this.stopOrder = Objects.requireNonNull(order, "stopOrder must not be null");
            return this;
        }

        /**
         * Whether this supervisor, run as a child, rethrows a {@link TerminateTreeException} that
         * terminated it, so that its parent terminates too (true, the default), or ends as if it
         * threw {@link DoNotRestartException} (false). Fatal JVM errors propagate either way.
         */
        public Builder propagateTermination(boolean yes) {
            this.propagateTermination = yes;
            return this;
        }

        /**
         * Where events go. Default: a child supervisor uses its parent's listener; a root logs
         * through {@code System.getLogger("dev.arbor")} (failures and timeouts at WARNING, fatal
         * terminations at ERROR, with stack traces; starts and stops at DEBUG).
         */
        public Builder onEvent(Consumer<? super SupervisorEvent> listener) {
            this.listener = Objects.requireNonNull(listener, "onEvent listener must not be null");
            return this;
        }

        /** The source of every delay the supervisor waits for. Default {@link SupervisorClock#system()}. */
        public Builder clock(SupervisorClock clock) {
            this.clock = Objects.requireNonNull(clock, "clock must not be null");
            return this;
        }

        /**
         * Makes the thread of each service run. Default: virtual threads named
         * {@code "<supervisor>/<service>"}. The factory must return a new, unstarted thread.
         */
        public Builder threadFactory(ThreadFactory f) {
            this.threadFactory = Objects.requireNonNull(f, "threadFactory must not be null");
            return this;
        }

        /** A new supervisor in state {@link SupervisorState#NEW} with these settings. */
        public Supervisor build() {
            return new Supervisor(new Config(name, strategy, failureThreshold, failureDecay, failureBackoff,
                    backoffJitter, shutdownTimeout, stopOrder, propagateTermination, listener, clock,
                    threadFactory));
        }

        private static Duration nonNegative(Duration d, String what) {
            Objects.requireNonNull(d, what + " must not be null");
            if (d.isNegative()) {
                throw new IllegalArgumentException(what + " must be >= 0, was " + d);
            }
            return d;
        }
    }
}
