package dev.arbor;

import dev.arbor.internal.Config;
import dev.arbor.internal.SupervisorCore;
import dev.arbor.internal.SystemClock;

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
 * own; its parent may run it again after stopping it for a restart: its children (those not
 * removed, TEMPORARY ones are) start again in add order, each run counted as one more restart of
 * that child, and its failure count starts from zero. It may be the child of at
 * most one supervisor, ever. {@link TerminateTreeException} terminates a supervisor and, unless
 * {@code propagateTermination(false)}, its ancestors.
 *
 * <p><b>Fatal JVM errors</b>. A run that throws a {@link VirtualMachineError} other than
 * {@link StackOverflowError} ({@link OutOfMemoryError}, {@link InternalError},
 * {@link UnknownError}...) is never restarted into a broken JVM:
 * <ul>
 *   <li>its supervisor <b>terminates</b> (stopping its other children as {@link #stop()} does) with
 *       the error as its {@link #terminationCause()}, whatever the child's {@link Restart} type,
 *       after a {@link SupervisorEvent.ServiceFailed} that is not counted;</li>
 *   <li>it <b>passes up</b> every level: a child supervisor ends with the same error whatever its
 *       {@code propagateTermination}, so every ancestor terminates too, and {@link #serve} throws it;</li>
 *   <li>the root's {@link #run()} <b>throws it</b>;</li>
 *   <li>it counts even when the run threw it <b>after a stop request</b> (the run is reported
 *       {@link SupervisorEvent.ServiceStopped}, then the supervisor terminates), or after its stop
 *       timed out: then it beats a concurrent {@link #stop()} as the termination cause;</li>
 *   <li>only the error itself decides: an exception whose <em>cause</em> is a fatal error, a
 *       {@link StackOverflowError} and every other {@link Error} are ordinary failures, restarted
 *       and counted.</li>
 * </ul>
 *
 * <p><b>Threads</b>. All methods are thread-safe. Each supervisor guards its state with one lock
 * that is never held while blocking. Services, listeners and onStop actions never run under it; the
 * thread factory, the jitter and the clock do (so they must be quick and must not call back into
 * the supervisor). The supervisor itself owns no
 * thread: it reacts to runs ending, to its clock's timers and to calls; so when every carrier
 * thread is busy with children spinning on the CPU, timers (on the system clock's platform
 * thread) still abandon children that ignore their stop request. Waits of the supervisor itself
 * (backoff, decay, shutdown timeouts) come from its {@link SupervisorClock}; only the caller's
 * own waits ({@link #removeAndWait}, {@link #awaitTermination}) use real time.
 */
public final class Supervisor implements Service, AutoCloseable {
    static {
        SupervisorCore.registerFace(s -> s.core);
    }

    private final SupervisorCore core;

    private Supervisor(Config config) {
        this.core = new SupervisorCore(config);
    }

    /**
     * A builder with every default.
     *
     * @param name the supervisor's name, used in events, thread names and reports
     * @return a new builder
     * @throws NullPointerException     if name is null
     * @throws IllegalArgumentException if name is blank
     */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /**
     * A supervisor with every default; the same as {@code builder(name).build()}.
     *
     * @param name the supervisor's name
     * @return a new supervisor in state NEW
     */
    public static Supervisor create(String name) {
        return builder(name).build();
    }

    /**
     * The name given to the builder.
     *
     * @return the name given to the builder
     */
    public String name() {
        return core.name();
    }

    /**
     * Where it is in its life; see {@link SupervisorState}.
     *
     * @return the current state
     */
    public SupervisorState state() {
        return core.state();
    }

    /**
     * Whether this supervisor was added to another one as a child (for good: a supervisor has at
     * most one parent, ever). A child is run by its parent and never started on its own, so code
     * that manages a set of supervisors (a framework's lifecycle, a health endpoint) starts and
     * reports only those that are not children.
     *
     * @return true once another supervisor's {@code add} accepted this one, or it was served by a
     *         run of another supervisor
     */
    public boolean isChild() {
        return core.hasParent();
    }

    /**
     * Adds a {@link Restart#PERMANENT} child with the default shutdown timeout; see {@link #add(ChildSpec)}.
     *
     * @param name    unique among the current children; not blank
     * @param service what to run
     * @return the child's ref
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException if the name is blank or already used by a current child
     * @throws IllegalStateException    if the supervisor is stopping or terminated
     */
    public ServiceRef add(String name, Service service) {
        ChildSpec.checkNameAndService(name, service);
        return core.add(name, service);
    }

    /**
     * Adds a child. Before {@link #start()} it waits and starts with the supervisor, in add order;
     * while the supervisor runs (even in a backoff) it starts at once. A {@link Supervisor} added
     * as a service becomes this supervisor's child for good: it cannot be started, run or added
     * anywhere else.
     *
     * @param spec the child's name, service, restart type and shutdown timeout
     * @return the child's ref, for {@link #remove} and {@link #children()}
     * @throws NullPointerException     if spec is null
     * @throws IllegalArgumentException if the name is already used by a current child, the
     *                                  service is this supervisor or one of its ancestors, or the
     *                                  child is significant and this supervisor's
     *                                  {@link Builder#autoShutdown} is NEVER
     * @throws IllegalStateException    if the supervisor is stopping or terminated, or the service
     *                                  is a supervisor that already has a parent or was started
     */
    public ServiceRef add(ChildSpec spec) {
        Objects.requireNonNull(spec, "spec must not be null");
        return core.add(spec);
    }

    /**
     * Asks a child to stop and removes it for good. Returns at once; the child stays in
     * {@link #children()} as {@link ChildState#STOPPING} until its run ends or its shutdown
     * timeout abandons it (then it is listed in later {@link StopReport}s). Its run ends in a
     * {@link SupervisorEvent.ServiceStopped} and never counts as a failure.
     *
     * @param ref a ref returned by this supervisor's add
     * @return false if the ref no longer names a current child; true otherwise, also when its
     *         removal is already underway (it is still listed, {@link ChildState#STOPPING})
     * @throws NullPointerException     if ref is null
     * @throws IllegalArgumentException if ref belongs to another supervisor
     */
    public boolean remove(ServiceRef ref) {
        Objects.requireNonNull(ref, "ref must not be null");
        return core.remove(ref);
    }

    /**
     * Like {@link #remove}, then waits in real time for the child's run to end. Giving up (the
     * timeout, or an interrupt) leaves nothing behind: the removal goes on, bounded by the child's
     * shutdown timeout on the supervisor's clock.
     *
     * @param ref     a ref returned by this supervisor's add
     * @param timeout how long to wait, in real time
     * @return true once the child's run has ended (or it had none); false if the ref names no
     *         current child or the run is still going when the timeout elapses
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException if ref belongs to another supervisor, or timeout is negative
     * @throws InterruptedException     if interrupted while waiting
     */
    public boolean removeAndWait(ServiceRef ref, Duration timeout) throws InterruptedException {
        Objects.requireNonNull(ref, "ref must not be null");
        return core.removeAndWait(ref, nonNegativeNanos(timeout, "timeout"));
    }

    /**
     * Restarts one child now, keeping its spec (OTP's {@code restart_child}, but also for a
     * running child): a running child is asked to stop as {@link #remove} does (its run ends in
     * {@link SupervisorEvent.ServiceStopped}, or {@link SupervisorEvent.ServiceStopTimeout} after
     * its shutdown timeout) and starts again once that run is gone; an idle one (stopped with
     * {@link #stopChild}, or waiting in a backoff) starts at once, cutting its wait short. The
     * new run counts as one more of the child's restarts, but <b>never as a failure</b>: not in
     * the failure count, not in {@link Builder#maxRestarts}. A child that a strategy restart is
     * stopping starts with that restart, in add order. Returns at once.
     *
     * @param ref a ref returned by this supervisor's add
     * @return false if the ref no longer names a current child or the child is being removed;
     *         true otherwise
     * @throws NullPointerException     if ref is null
     * @throws IllegalArgumentException if ref belongs to another supervisor
     * @throws IllegalStateException    if the supervisor is not running (new, stopping or
     *                                  terminated)
     */
    public boolean restartChild(ServiceRef ref) {
        Objects.requireNonNull(ref, "ref must not be null");
        return core.restartChild(ref);
    }

    /**
     * Stops one child without removing it (OTP's {@code terminate_child}): its run is asked to
     * stop as {@link #remove} does, it is not restarted, and it stays in {@link #children()} as
     * {@link ChildState#STOPPING}, then {@link ChildState#WAITING}, until {@link #startChild} or
     * {@link #restartChild} starts it again, or a new run of this supervisor (a parent restarting
     * it) starts every child. Strategy restarts and backoff ends pass it by. Never counts as a
     * failure. A {@link Restart#TEMPORARY} child is removed, as OTP deletes its spec. Returns at
     * once.
     *
     * @param ref a ref returned by this supervisor's add
     * @return false if the ref no longer names a current child or the child is being removed;
     *         true otherwise, also when it was stopped already
     * @throws NullPointerException     if ref is null
     * @throws IllegalArgumentException if ref belongs to another supervisor
     * @throws IllegalStateException    if the supervisor is not running (new, stopping or
     *                                  terminated)
     */
    public boolean stopChild(ServiceRef ref) {
        Objects.requireNonNull(ref, "ref must not be null");
        return core.stopChild(ref);
    }

    /**
     * Starts a child stopped with {@link #stopChild} again, keeping its spec; its new run counts
     * as one more restart, never as a failure. If its stopped run has not ended yet, it starts
     * once that run is gone. Does nothing for a child that was not stopped on demand (running,
     * or waiting for a backoff or a strategy restart). Returns at once.
     *
     * @param ref a ref returned by this supervisor's add
     * @return false if the ref no longer names a current child or the child is being removed;
     *         true otherwise
     * @throws NullPointerException     if ref is null
     * @throws IllegalArgumentException if ref belongs to another supervisor
     * @throws IllegalStateException    if the supervisor is not running (new, stopping or
     *                                  terminated)
     */
    public boolean startChild(ServiceRef ref) {
        Objects.requireNonNull(ref, "ref must not be null");
        return core.startChild(ref);
    }

    /**
     * A snapshot of the current children, in add order.
     *
     * @return an immutable snapshot; later changes do not show in it
     */
    public List<ChildInfo> children() {
        return core.children();
    }

    /**
     * A snapshot of this supervisor and every child supervisor below it: states, restarts, failure
     * counts, backoff, totals and an overall {@link HealthStatus}. Costs one pass over the tree
     * under each supervisor's lock in turn (parent first), so polling it every second is cheap even
     * for large trees; it never waits for a child.
     *
     * @return an immutable snapshot
     */
    public SupervisorHealth health() {
        return core.health();
    }

    /**
     * Starts the supervisor and its children in the background and returns once it is
     * {@link SupervisorState#RUNNING} and every child is started. It needs no thread of its own.
     *
     * <p><b>Ordered start</b>: children start in add order. A child with a start timeout
     * ({@link ChildSpec#withStartTimeout}) counts as started only once its run called
     * {@link ServiceContext#ready()}; the next child starts only then, so {@code start()} may wait
     * (on a condition, never holding the supervisor's lock; an interrupt is kept for the caller,
     * and the wait is bounded by the start timeouts on the supervisor's clock). If such a child
     * fails, returns or times out first, the supervisor stops what it started, in its stop order,
     * terminates, and {@code start()} then throws a {@link StartFailedException} (OTP's
     * {@code failed_to_start_child}). A {@link #stop()} meanwhile makes it return. Without such
     * children it returns at once.
     *
     * @throws StartFailedException  if an awaited child did not become ready
     * @throws IllegalStateException if it was started or stopped before, or is another
     *                               supervisor's child
     */
    public void start() {
        core.start();
    }

    /**
     * Starts the supervisor and runs it in the calling thread until it is stopped or terminates.
     * Interrupting the calling thread stops the supervisor (waiting for its children, bounded by
     * their shutdown timeouts), then throws {@link InterruptedException}.
     *
     * @throws TerminateTreeException if a {@link TerminateTreeException} terminated the tree
     * @throws VirtualMachineError    if a fatal JVM error terminated the tree
     * @throws RestartIntensityException if it exceeded its {@link Builder#maxRestarts} limit
     * @throws StartFailedException   if an awaited child did not become ready during the start
     * @throws InterruptedException   if the calling thread was interrupted
     * @throws IllegalStateException  as {@link #start()}
     */
    public void run() throws Exception {
        core.run();
    }

    /**
     * Stops every child (in reverse add order, or all at once with {@link StopOrder#PARALLEL}),
     * waiting for each up to its shutdown timeout on the supervisor's clock, and leaves the
     * supervisor {@link SupervisorState#TERMINATED}. Never waits longer than the shutdown timeouts
     * imply and never throws because a child hangs: what did not stop is in the report.
     *
     * <p>Idempotent and safe from several threads: every call returns the same report. On a
     * supervisor that never started it returns a clean report at once. Called on a child
     * supervisor it stops it for good: its parent sees it end as if it threw
     * {@link DoNotRestartException}.
     *
     * @return what was left running, recursively; the same report for every call
     * @throws InterruptedException if the caller is interrupted while waiting; the stop goes on
     */
    public StopReport stop() throws InterruptedException {
        return core.stop();
    }

    /** {@link #stop()}; if interrupted while waiting, returns early with the interrupt flag restored. */
    @Override
    public void close() {
        try {
            stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Waits in real time until the supervisor is {@link SupervisorState#TERMINATED}.
     *
     * @param timeout how long to wait, in real time
     * @return true if it is terminated, false if the timeout elapsed first
     * @throws NullPointerException     if timeout is null
     * @throws IllegalArgumentException if timeout is negative
     * @throws InterruptedException     if interrupted while waiting
     */
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        return core.awaitTermination(nonNegativeNanos(timeout, "timeout"));
    }

    /**
     * Why it terminated, if not by a stop: the {@link TerminateTreeException}, fatal JVM error,
     * {@link RestartIntensityException} or {@link StartFailedException} that ended its last run. Empty while it runs, and after a stop (unless a fatal JVM error was
     * thrown during that stop: it is always the cause).
     *
     * @return the cause, or empty
     */
    public Optional<Throwable> terminationCause() {
        return core.terminationCause();
    }

    /**
     * Runs this supervisor as a service in the calling thread, for a service that wraps it. A
     * supervisor added directly with {@link #add} is run by its parent without this method and
     * without a thread. A stop request ({@code ctx}) stops it and returns normally; an interrupt
     * without a stop request stops it and throws {@link InterruptedException}; termination by a
     * {@link TerminateTreeException} rethrows it (or throws {@link DoNotRestartException} when
     * {@code propagateTermination(false)}); a fatal JVM error is rethrown; exceeding its
     * {@link Builder#maxRestarts} limit throws its {@link RestartIntensityException}; a direct
     * {@link #stop()} throws {@link DoNotRestartException}.
     *
     * @throws IllegalStateException if it is a root, already running, or another supervisor's child
     */
    @Override
    public void serve(ServiceContext ctx) throws Exception {
        Objects.requireNonNull(ctx, "ctx must not be null");
        core.serve(ctx);
    }

    /**
     * The name and the current state, for logs.
     *
     * @return {@code Supervisor[name, STATE]}
     */
    @Override
    public String toString() {
        return "Supervisor[" + name() + ", " + state() + "]";
    }

    private static long nonNegativeNanos(Duration d, String what) {
        return SystemClock.saturatedNanos(Builder.nonNegative(d, what));
    }

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
        private Duration shutdownDeadline;
        private StopOrder stopOrder = StopOrder.REVERSE;
        private boolean propagateTermination = true;
        private EventListener listener;
        private int eventBuffer = 65_536;
        private Duration eventFlushTimeout = Duration.ofSeconds(1);
        private SupervisorClock clock = SupervisorClock.system();
        private ThreadFactory threadFactory;
        private int maxRestarts = -1;                // -1: no restart intensity
        private Duration restartWindow;
        private AutoShutdown autoShutdown = AutoShutdown.NEVER;

        private Builder(String name) {
            Objects.requireNonNull(name, "supervisor name must not be null");
            if (name.isBlank()) {
                throw new IllegalArgumentException("supervisor name must not be blank, was \"" + name + "\"");
            }
            this.name = name;
        }

        /**
         * Which children restart when one fails. Default {@link Strategy#ONE_FOR_ONE}.
         *
         * @param s the strategy
         * @return this builder
         */
        public Builder strategy(Strategy s) {
            this.strategy = Objects.requireNonNull(s, "strategy must not be null");
            return this;
        }

        /**
         * How many decayed failures are tolerated; one more (strictly greater) starts a backoff.
         * Default 5.0. Zero makes every counted failure start a backoff;
         * {@link Double#POSITIVE_INFINITY} never backs off.
         *
         * @param failures the tolerated decayed failure count
         * @return this builder
         * @throws IllegalArgumentException if negative or NaN
         */
        public Builder failureThreshold(double failures) {
            if (!(failures >= 0)) {
                throw new IllegalArgumentException("failureThreshold must be >= 0, was " + failures);
            }
            this.failureThreshold = failures;
            return this;
        }

        /**
         * The half-life of the failure count. Default 30 s. Zero keeps no memory: each counted
         * failure sets the count to 1.
         *
         * @param halfLife the time in which a failure counts half as much
         * @return this builder
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
         * @param backoff the base delay
         * @return this builder
         * @throws IllegalArgumentException if negative
         */
        public Builder failureBackoff(Duration backoff) {
            this.failureBackoff = nonNegative(backoff, "failureBackoff");
            return this;
        }

        /**
         * Spreads backoffs. Default {@code Jitter.uniform(0.5)}: a delay in {@code [d, 1.5 d)}.
         * Called under the supervisor's lock: it must be quick. A jitter that throws anything but a
         * fatal JVM error, or returns null or a negative delay, gives the base delay; a fatal error
         * terminates the supervisor with it (see {@link Jitter} for every case).
         *
         * @param jitter how to spread the delay
         * @return this builder
         */
        public Builder backoffJitter(Jitter jitter) {
            this.backoffJitter = Objects.requireNonNull(jitter, "backoffJitter must not be null");
            return this;
        }

        /**
         * How long a stop waits for each child, unless its {@link ChildSpec} says otherwise.
         * Default 10 s. Zero reports a child that has not already ended as unstopped at once.
         *
         * @param timeout the default per-child shutdown timeout
         * @return this builder
         * @throws IllegalArgumentException if negative
         */
        public Builder shutdownTimeout(Duration timeout) {
            this.shutdownTimeout = nonNegative(timeout, "shutdownTimeout");
            return this;
        }

        /**
         * The longest a whole shutdown of this supervisor may take ({@link Supervisor#stop()}, or its
         * termination), on its clock, whatever the stop order and the children's own shutdown
         * timeouts. When it passes, every child not yet asked to stop is asked now, and every run
         * still going is abandoned at once ({@link SupervisorEvent.ServiceStopTimeout}) and listed in
         * the {@link StopReport}. Default: none, a shutdown is bounded by the children's timeouts
         * only (their sum under REVERSE). Useful under a process manager's grace period: a REVERSE
         * stop of many children that each take their time then still ends in time, reporting the
         * ones it had to give up on. Zero abandons every run that has not ended at once.
         *
         * @param deadline the most a shutdown may take
         * @return this builder
         * @throws IllegalArgumentException if negative
         */
        public Builder shutdownDeadline(Duration deadline) {
            this.shutdownDeadline = nonNegative(deadline, "shutdownDeadline");
            return this;
        }

        /**
         * The order of stops. Default {@link StopOrder#REVERSE}; see {@link StopOrder} for which to
         * choose.
         *
         * @param order REVERSE or PARALLEL
         * @return this builder
         */
        public Builder stopOrder(StopOrder order) {
            this.stopOrder = Objects.requireNonNull(order, "stopOrder must not be null");
            return this;
        }

        /**
         * Whether this supervisor, run as a child, rethrows a {@link TerminateTreeException} that
         * terminated it, so that its parent terminates too (true, the default), or ends as if it
         * threw {@link DoNotRestartException} (false). Fatal JVM errors propagate either way.
         *
         * @param yes whether to rethrow to the parent
         * @return this builder
         */
        public Builder propagateTermination(boolean yes) {
            this.propagateTermination = yes;
            return this;
        }

        /**
         * Where events go, for a listener that needs no {@link EventContext}; the same as
         * {@code listener(EventListener.of(listener))}. Default: a child supervisor uses its parent's
         * listener; a root logs through {@code System.getLogger("dev.arbor")}
         * ({@link EventListener#logging()}). Setting a listener replaces the default logging; keep
         * both with {@code listener(EventListener.logging().andThen(EventListener.of(mine)))}.
         *
         * @param listener called with every event, one at a time, in order
         * @return this builder
         * @throws NullPointerException if listener is null
         */
        public Builder onEvent(Consumer<? super SupervisorEvent> listener) {
            Objects.requireNonNull(listener, "onEvent listener must not be null");
            this.listener = EventListener.of(listener);
            return this;
        }

        /**
         * Where events go, each with its {@link EventContext} (time, path in the tree, the child,
         * what follows a failure). Replaces {@link #onEvent}'s listener; the defaults are the same.
         *
         * @param listener called with every event, one at a time, in order
         * @return this builder
         * @throws NullPointerException if listener is null
         */
        public Builder listener(EventListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener must not be null");
            return this;
        }

        /**
         * How many events may wait for this supervisor's listener before later ones are dropped
         * and counted in a {@link SupervisorEvent.EventsDropped}. Default 65,536 (a few megabytes),
         * far more than a healthy listener ever has queued; a listener slower than a restart storm
         * otherwise buffers without limit. A child supervisor that shares its parent's listener
         * shares its parent's buffer.
         *
         * @param events the capacity, at least 1
         * @return this builder
         * @throws IllegalArgumentException if events is less than 1
         */
        public Builder eventBuffer(int events) {
            if (events < 1) {
                throw new IllegalArgumentException("eventBuffer must be >= 1, was " + events);
            }
            this.eventBuffer = events;
            return this;
        }

        /**
         * How long {@link Supervisor#stop()} and {@link Supervisor#run()} wait, in real time, for the events of the
         * tree's end to reach the listeners before they return, so that a program that stops its
         * tree and exits loses none. Default 1 s; a stuck listener delays the return by at most
         * this. Zero does not wait.
         *
         * @param timeout the most to wait for delivery
         * @return this builder
         * @throws IllegalArgumentException if negative
         */
        public Builder eventFlushTimeout(Duration timeout) {
            this.eventFlushTimeout = nonNegative(timeout, "eventFlushTimeout");
            return this;
        }

        /**
         * The source of every delay the supervisor waits for. Default {@link SupervisorClock#system()}.
         * Called under the supervisor's lock: every method must be quick and must not wait for a
         * task. A clock that cannot read the time or schedule terminates the supervisor; see
         * {@link SupervisorClock} for every case.
         *
         * @param clock the clock; a ManualClock in tests
         * @return this builder
         */
        public Builder clock(SupervisorClock clock) {
            this.clock = Objects.requireNonNull(clock, "clock must not be null");
            return this;
        }

        /**
         * Makes the thread of each service run. Default: virtual threads named
         * {@code "<supervisor>/<service>"}. The factory must return a new, unstarted thread that
         * runs the Runnable it is given; a platform thread works as well as a virtual one.
         *
         * <p>It is called under the supervisor's lock, once per run of a leaf service: it must be
         * quick, must not block, and must not wait for the supervisor (a call such as {@code stop()}
         * throws IllegalStateException there). What a faulty factory does is decided:
         * <ul>
         *   <li>throws, returns null, or returns a thread that is not new: the supervisor cannot run
         *       that child, so it terminates, with an IllegalStateException carrying the problem as
         *       its cause (a fatal JVM error, such as "unable to create native thread": with the
         *       error itself, so it passes up the tree). A failure whose restart needed the thread is
         *       reported with {@code restarting} false.</li>
         *   <li>returns a thread whose {@code start()} throws: that run ends with the failure, a
         *       fatal JVM error as itself (the supervisor terminates), anything else wrapped in an
         *       IllegalStateException, an ordinary counted failure.</li>
         *   <li>returns a thread that never runs the Runnable: this cannot be seen while the child
         *       runs (it shows RUNNING); at its stop request the ended thread is seen and the run is
         *       reported {@link SupervisorEvent.ServiceStopped} at once.</li>
         *   <li>returns a {@code Thread} subclass whose {@code interrupt()} throws: logged; the stop
         *       request stands ({@code isStopping()}, onStop actions) and the other runs are still
         *       interrupted.</li>
         * </ul>
         *
         * @param f makes one new, unstarted thread per run
         * @return this builder
         */
        public Builder threadFactory(ThreadFactory f) {
            this.threadFactory = Objects.requireNonNull(f, "threadFactory must not be null");
            return this;
        }

        /**
         * The restart intensity: more than {@code restarts} restarts within any {@code window}
         * (an exact sliding window on the supervisor's clock; restarts exactly {@code window}
         * apart are in one window) terminate the supervisor with a
         * {@link RestartIntensityException}. It stops its children in its stop order, reports the
         * exception in {@link Supervisor#terminationCause()} and its
         * {@link SupervisorEvent.SupervisorTerminated}; a root's {@link Supervisor#run()} throws
         * it, and a child supervisor's parent sees it fail (a counted failure, restarted according
         * to its {@link Restart} type), so the escalation climbs as far as the tree says.
         *
         * <p><b>What counts</b>: one restart per counted failure while the supervisor runs (API.md
         * "one failure counts once"), however many siblings a strategy restarts with it, and
         * whether the child restarts at once or after a backoff: this is OTP's count, one per
         * failed child. Not counted: runs that end after a stop request, failures that are not
         * counted in the failure accounting (TEMPORARY children, {@code DoNotRestartException},
         * {@code TerminateTreeException}), and {@link Supervisor#restartChild} on demand. The
         * failure that exceeds the limit emits its {@link SupervisorEvent.ServiceFailed} with
         * {@code restarting} false and starts no backoff.
         *
         * <p><b>Default: none</b> (never give up), unlike OTP's 1 restart in 5 s: Arbor's
         * contract has always been to restart with the decaying count and backoff for as long as
         * it runs, and a supervisor that gave up by default would end trees that recover today.
         * Giving up is the deployment's decision. Both work together: the backoff slows a storm
         * down, the intensity ends it; failures during a backoff count as restarts too.
         *
         * <p>A new run of a child supervisor (its parent restarted it) starts with no restarts.
         * The memory it takes grows with the restarts that actually happen within one window, up
         * to {@code restarts + 1} timestamps; each restart costs O(1).
         *
         * @param restarts how many restarts one window tolerates; 0 gives up at the first restart
         * @param window   the window's length on the supervisor's clock
         * @return this builder
         * @throws NullPointerException     if window is null
         * @throws IllegalArgumentException if restarts is negative or window is not positive
         */
        public Builder maxRestarts(int restarts, Duration window) {
            if (restarts < 0) {
                throw new IllegalArgumentException("maxRestarts restarts must be >= 0, was " + restarts);
            }
            Objects.requireNonNull(window, "maxRestarts window must not be null");
            if (window.isNegative() || window.isZero()) {
                throw new IllegalArgumentException("maxRestarts window must be > 0, was " + window);
            }
            this.maxRestarts = restarts;
            this.restartWindow = window;
            return this;
        }

        /**
         * Whether the supervisor stops itself, cleanly, when its significant children
         * ({@link ChildSpec#withSignificant}) have completed; see {@link AutoShutdown}. Default
         * {@link AutoShutdown#NEVER}, which rejects significant children, as OTP does.
         *
         * @param when NEVER, ANY_SIGNIFICANT or ALL_SIGNIFICANT
         * @return this builder
         */
        public Builder autoShutdown(AutoShutdown when) {
            this.autoShutdown = Objects.requireNonNull(when, "autoShutdown must not be null");
            return this;
        }

        /**
         * A new supervisor in state {@link SupervisorState#NEW} with these settings.
         *
         * @return the supervisor
         */
        public Supervisor build() {
            return new Supervisor(new Config(name, strategy, failureThreshold, failureDecay, failureBackoff,
                    backoffJitter, shutdownTimeout, shutdownDeadline, stopOrder, propagateTermination, listener, eventBuffer,
                    eventFlushTimeout, clock, threadFactory, maxRestarts, restartWindow, autoShutdown));
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
