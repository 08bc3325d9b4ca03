package dev.arbor;

import dev.arbor.SupervisorEvent.BackoffEnded;
import dev.arbor.SupervisorEvent.BackoffStarted;
import dev.arbor.SupervisorEvent.ServiceCompleted;
import dev.arbor.SupervisorEvent.ServiceFailed;
import dev.arbor.SupervisorEvent.ServiceStarted;
import dev.arbor.SupervisorEvent.ServiceStopTimeout;
import dev.arbor.SupervisorEvent.ServiceStopped;
import dev.arbor.SupervisorEvent.SupervisorTerminated;
import dev.arbor.internal.EventChannel;
import dev.arbor.internal.EventTotals;
import dev.arbor.internal.FailureCounter;
import dev.arbor.internal.LoggingListener;
import dev.arbor.internal.Outcome;
import dev.arbor.internal.SystemClock;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
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
 * that is never held while blocking or while calling user code. The supervisor itself owns no
 * thread: it reacts to runs ending, to its clock's timers and to calls; so when every carrier
 * thread is busy with children spinning on the CPU, timers (on the system clock's platform
 * thread) still abandon children that ignore their stop request. Waits of the supervisor itself
 * (backoff, decay, shutdown timeouts) come from its {@link SupervisorClock}; only the caller's
 * own waits ({@link #removeAndWait}, {@link #awaitTermination}) use real time.
 */
public final class Supervisor implements Service, AutoCloseable {
    final Config config;

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
        return config.name();
    }


    private static final System.Logger LOG = System.getLogger("dev.arbor");
    private static final VarHandle ENDED;
    /** From this many leaf runs on, a platform thread hands the interrupts to a virtual thread. */
    private static final int FAN_OUT_THRESHOLD = 64;

    static {
        try {
            ENDED = MethodHandles.lookup().findVarHandle(Supervisor.class, "endedRuns", Run.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
    /** Guards every supervisor's parent link, so two concurrent adds cannot build a cycle. */
    private static final ReentrantLock BINDING = new ReentrantLock();

    private enum Phase { NEW, RUNNING, STOPPING, TERMINATED }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition phaseChanged = lock.newCondition();
    private final Condition runEnded = lock.newCondition();    // signalled only while runWaiters > 0
    private final ChildTable children = new ChildTable();
    private final Set<Run> abandoned = new LinkedHashSet<>();  // timed-out runs still alive
    private final EventChannel.Batch unpublished = new EventChannel.Batch();   // lock: this section's events
    private final List<Child> retiredSubs = new ArrayList<>(); // former child supervisors with runs still alive below
    private final FailureCounter failures;
    private final EventChannel ownChannel;                     // null: inherit or log
    @SuppressWarnings("unused")                                // via ENDED: a stack linked through Run.nextEnded
    private volatile Run endedRuns;
    private final AtomicBoolean combining = new AtomicBoolean();
    private final Thread.Builder virtualThreads;               // lock: reused, names each run's thread

    private volatile Supervisor parent;      // set once, under BINDING and this lock
    private volatile EventChannel channel;   // the channel of the current run
    private Phase phase = Phase.NEW;
    private boolean startedAsRoot;
    private boolean stoppedForGood;          // stop() was called on it directly
    private Host host;                       // who runs it now; null between runs
    private Run pendingRun;                  // a parent's next run of it, waiting for the current run to finish
    private long nextSeq;
    private int runWaiters;                  // callers in removeAndWait: stopping 100k children must not wake anyone 100k times
    private boolean inBackoff;
    private long backoffGeneration;
    private Cancellable backoffTimer;
    private long backoffStartedAt;           // clock nanos; with backoffNanos, meaningful while inBackoff
    private long backoffNanos;
    private final EventTotals totals = new EventTotals();
    private Wave wave;                       // a strategy restart in progress
    private StopBatch shutdown;              // the supervisor's own stop in progress
    private Throwable terminationCause;
    private StopReport lastReport;

    private Supervisor(Config config) {
        this.config = config;
        this.failures = new FailureCounter(config.failureDecay());
        this.ownChannel = config.listener() == null ? null : new EventChannel(config.listener());
        this.virtualThreads = Thread.ofVirtual();
    }

    // ---------------------------------------------------------------- public API

    /**
     * Where it is in its life; see {@link SupervisorState}.
     *
     * @return the current state
     */
    public SupervisorState state() {
        lock.lock();
        try {
            return stateUnderLock();
        } finally {
            unlock();
        }
    }

    private SupervisorState stateUnderLock() {
        return switch (phase) {
            case NEW -> SupervisorState.NEW;
            case RUNNING -> inBackoff ? SupervisorState.BACKOFF : SupervisorState.RUNNING;
            case STOPPING -> SupervisorState.STOPPING;
            case TERMINATED -> SupervisorState.TERMINATED;
        };
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
        return add(ChildSpec.of(name, service));
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
     * @throws IllegalArgumentException if the name is already used by a current child, or the
     *                                  service is this supervisor or one of its ancestors
     * @throws IllegalStateException    if the supervisor is stopping or terminated, or the service
     *                                  is a supervisor that already has a parent or was started
     */
    public ServiceRef add(ChildSpec spec) {
        Objects.requireNonNull(spec, "spec must not be null");
        Supervisor sub = spec.service() instanceof Supervisor s ? s : null;
        if (sub != null) {
            bindAsParentOf(sub, spec.name());
        }
        Outbox out = new Outbox();
        Child child = null;
        RuntimeException refused;
        lock.lock();
        try {
            refused = refusal(spec);
            if (refused == null) {
                child = new Child(this, spec, nextSeq);
                Child existing = children.putIfAbsent(child);   // one lookup, not two
                if (existing != null) {
                    refused = duplicateName(spec);
                } else {
                    nextSeq++;
                    if (phase == Phase.RUNNING) {
                        startRun(child, out);
                    }
                }
            }
        } finally {
            unlock();
        }
        if (refused != null) {
            if (sub != null) {
                unbind(sub);     // outside this lock: BINDING is always taken before a supervisor's lock
            }
            throw refused;
        }
        out.run();
        return child;
    }

    private RuntimeException refusal(ChildSpec spec) {
        if (phase == Phase.STOPPING || phase == Phase.TERMINATED) {
            return new IllegalStateException("cannot add \"" + spec.name() + "\": supervisor \"" + name()
                    + "\" is " + phase.name().toLowerCase(java.util.Locale.ROOT));
        }
        return null;
    }

    private IllegalArgumentException duplicateName(ChildSpec spec) {
        return new IllegalArgumentException("supervisor \"" + name() + "\" already has a child named \""
                + spec.name() + "\"");
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
        Child child = ownChild(ref);
        Outbox out = new Outbox();
        lock.lock();
        try {
            return requestRemoval(child, out);
        } finally {
            unlock();
            out.run();
        }
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
        Child child = ownChild(ref);
        long nanos = nonNegativeNanos(timeout, "timeout");
        Outbox out = new Outbox();
        Run run;
        lock.lock();
        try {
            run = child.run;
            if (!requestRemoval(child, out) && run == null) {
                return false;
            }
        } finally {
            unlock();
        }
        out.run();
        if (run == null) {
            return true;
        }
        lock.lock();
        runWaiters++;
        try {
            while (!run.ended) {
                if (nanos <= 0) {
                    return false;
                }
                publishEvents();
                nanos = runEnded.awaitNanos(nanos);
            }
            return true;
        } finally {
            runWaiters--;
            unlock();
        }
    }

    /**
     * A snapshot of the current children, in add order.
     *
     * @return an immutable snapshot; later changes do not show in it
     */
    public List<ChildInfo> children() {
        lock.lock();
        try {
            List<ChildInfo> infos = new ArrayList<>(children.size());
            for (Child c : children) {
                infos.add(new ChildInfo(c, c.name(), stateOf(c), c.restarts, Optional.ofNullable(c.lastFailure)));
            }
            return infos;
        } finally {
            unlock();
        }
    }

    /**
     * A child's state as this supervisor shows it: a running child supervisor shows what it is
     * doing (BACKOFF, STOPPING), not only that its run is live.
     */
    private static ChildState stateOf(Child c) {
        ChildState own = c.state();
        if (own == ChildState.RUNNING && c.run.sub() != null) {
            return c.run.sub().stateAsChild();
        }
        return own;
    }

    /** This child supervisor's state in its parent's view; the parent's lock is held. */
    private ChildState stateAsChild() {
        lockNested();
        try {
            return switch (phase) {
                case RUNNING -> inBackoff ? ChildState.BACKOFF : ChildState.RUNNING;
                case STOPPING -> ChildState.STOPPING;
                case NEW, TERMINATED -> ChildState.WAITING;   // begun by the outbox, or ended: not running now
            };
        } finally {
            unlock();
        }
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
        lock.lock();
        try {
            return healthUnderLock();
        } finally {
            unlock();
        }
    }

    private SupervisorHealth healthUnderLock() {
        long now = config.clock().nanoTime();
        List<ChildHealth> kids = new ArrayList<>(children.size());
        boolean allWell = true;
        for (Child c : children) {
            Optional<SupervisorHealth> sub = Optional.empty();
            if (c.spec.service() instanceof Supervisor s) {
                sub = Optional.of(s.healthNested());
            }
            ChildState state = stateOf(c);
            allWell &= state == ChildState.RUNNING && sub.map(h -> h.status() == HealthStatus.UP).orElse(true);
            kids.add(new ChildHealth(c.name(), state, c.spec.restart(), c.restarts,
                    Optional.ofNullable(c.lastFailure), sub));
        }
        SupervisorState state = stateUnderLock();
        double count = failures.current(now);
        HealthStatus status = switch (state) {
            case NEW, STOPPING, TERMINATED -> HealthStatus.DOWN;
            case BACKOFF -> HealthStatus.DEGRADED;
            case RUNNING -> allWell && !(count > threshold() / 2) ? HealthStatus.UP : HealthStatus.DEGRADED;
        };
        Optional<Duration> remaining = inBackoff && phase == Phase.RUNNING
                ? Optional.of(Duration.ofNanos(Math.max(0, backoffNanos - (now - backoffStartedAt)))) : Optional.empty();
        return new SupervisorHealth(name(), state, status, count, threshold(), remaining,
                Optional.ofNullable(terminationCause), totals.snapshot(), kids);
    }

    /** A child supervisor's part of its parent's snapshot; the parent's lock is held. */
    private SupervisorHealth healthNested() {
        lockNested();
        try {
            return healthUnderLock();
        } finally {
            unlock();
        }
    }

    /**
     * Starts the supervisor and its children in the background and returns once it is
     * {@link SupervisorState#RUNNING}. It needs no thread of its own.
     *
     * @throws IllegalStateException if it was started or stopped before, or is another
     *                               supervisor's child
     */
    public void start() {
        Outbox out = new Outbox();
        lock.lock();
        try {
            if (parent != null) {
                throw new IllegalStateException("supervisor \"" + name() + "\" is a child of \"" + parent.name()
                        + "\"; only a root supervisor is started");
            }
            if (startedAsRoot || phase != Phase.NEW || host != null) {
                throw new IllegalStateException("supervisor \"" + name() + "\" was already "
                        + (phase == Phase.TERMINATED ? "stopped" : "started") + "; a supervisor runs once");
            }
            startedAsRoot = true;
            begin(ROOT, null, out);
        } finally {
            unlock();
        }
        out.run();
    }

    /**
     * Starts the supervisor and runs it in the calling thread until it is stopped or terminates.
     * Interrupting the calling thread stops the supervisor (waiting for its children, bounded by
     * their shutdown timeouts), then throws {@link InterruptedException}.
     *
     * @throws TerminateTreeException if a {@link TerminateTreeException} terminated the tree
     * @throws VirtualMachineError    if a fatal JVM error terminated the tree
     * @throws InterruptedException   if the calling thread was interrupted
     * @throws IllegalStateException  as {@link #start()}
     */
    public void run() throws Exception {
        start();
        try {
            awaitTerminated();
        } catch (InterruptedException e) {
            stopFrom(ROOT);
            lock.lock();
            try {
                while (phase != Phase.TERMINATED) {
                    publishEvents();
                    phaseChanged.awaitUninterruptibly();
                }
            } finally {
                unlock();
            }
            throw e;
        }
        Optional<Throwable> cause = terminationCause();
        if (cause.isPresent()) {
            throw asException(cause.get());
        }
    }

    /** Waits until TERMINATED and returns the report of that run's end. */
    private StopReport awaitTerminated() throws InterruptedException {
        lock.lock();
        try {
            while (phase != Phase.TERMINATED) {
                publishEvents();
                phaseChanged.await();
            }
            return lastReport;
        } finally {
            unlock();
        }
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
        Outbox out = new Outbox();
        lock.lock();
        try {
            stoppedForGood = true;
            if (phase == Phase.NEW) {
                phase = Phase.TERMINATED;
                lastReport = new StopReport(List.of());
                phaseChanged.signalAll();
            } else if (phase == Phase.RUNNING) {
                beginShutdown(null, out);
            }
        } finally {
            unlock();
        }
        out.run();
        return awaitTerminated();
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
        long nanos = nonNegativeNanos(timeout, "timeout");
        lock.lock();
        try {
            while (phase != Phase.TERMINATED) {
                if (nanos <= 0) {
                    return false;
                }
                publishEvents();
                nanos = phaseChanged.awaitNanos(nanos);
            }
            return true;
        } finally {
            unlock();
        }
    }

    /**
     * Why it terminated, if not by a stop: the {@link TerminateTreeException} or fatal JVM error
     * that ended its last run. Empty while it runs, and after a stop (unless a fatal JVM error was
     * thrown during that stop: it is always the cause).
     *
     * @return the cause, or empty
     */
    public Optional<Throwable> terminationCause() {
        lock.lock();
        try {
            return Optional.ofNullable(terminationCause);
        } finally {
            unlock();
        }
    }

    /**
     * Runs this supervisor as a service in the calling thread, for a service that wraps it. A
     * supervisor added directly with {@link #add} is run by its parent without this method and
     * without a thread. A stop request ({@code ctx}) stops it and returns normally; an interrupt
     * without a stop request stops it and throws {@link InterruptedException}; termination by a
     * {@link TerminateTreeException} rethrows it (or throws {@link DoNotRestartException} when
     * {@code propagateTermination(false)}); a fatal JVM error is rethrown; a direct
     * {@link #stop()} throws {@link DoNotRestartException}.
     *
     * @throws IllegalStateException if it is a root, already running, or another supervisor's child
     */
    @Override
    public void serve(ServiceContext ctx) throws Exception {
        Objects.requireNonNull(ctx, "ctx must not be null");
        Supervisor hostSupervisor = ctx instanceof Run r ? r.child.owner : null;
        if (hostSupervisor != null && parent != hostSupervisor) {
            bindAsParentOf(this, hostSupervisor);
        }
        ServeHost serveHost = new ServeHost();
        Outbox out = new Outbox();
        lock.lock();
        try {
            if (startedAsRoot) {
                throw new IllegalStateException("supervisor \"" + name() + "\" was started as a root; it cannot be served");
            }
            if (host != null || phase == Phase.RUNNING || phase == Phase.STOPPING) {
                throw new IllegalStateException("supervisor \"" + name() + "\" is already running");
            }
            if (stoppedForGood) {
                throw new DoNotRestartException("supervisor \"" + name() + "\" was stopped with stop()");
            }
            begin(serveHost, hostSupervisor, out);
        } finally {
            unlock();
        }
        out.run();
        ctx.onStop(() -> stopFrom(serveHost));
        boolean interrupted = false;
        while (true) {
            try {
                serveHost.ended.await();
                break;
            } catch (InterruptedException e) {
                if (!ctx.isStopping() && !interrupted) {
                    interrupted = true;
                    stopFrom(serveHost);
                }
            }
        }
        if (interrupted) {
            throw new InterruptedException("supervisor \"" + name() + "\" was interrupted");
        }
        if (serveHost.outcome != null) {
            throw asException(serveHost.outcome);
        }
    }

    @Override
    public String toString() {
        return "Supervisor[" + name() + ", " + state() + "]";
    }

    // ---------------------------------------------------------------- the state machine (under lock)

    /** Begins a run of this supervisor: starts every child in add order. */
    private void begin(Host newHost, Supervisor hostSupervisor, Outbox out) {
        host = newHost;
        channel = ownChannel != null ? ownChannel
                : hostSupervisor != null ? hostSupervisor.channel
                : new EventChannel(LoggingListener.INSTANCE);
        phase = Phase.RUNNING;
        terminationCause = null;
        lastReport = null;
        failures.reset();
        phaseChanged.signalAll();
        for (Child child : children) {
            waiting(child);
            startRun(child, out);
        }
    }

    private void startRun(Child child, Outbox out) {
        int restarts = child.everStarted ? ++child.restarts : 0;
        Service service = child.spec.service();
        if (service instanceof Supervisor sub) {
            Run run = new Run(child, restarts);
            attach(child, run, restarts);
            out.add(() -> sub.beginAsChildOf(run));
            return;
        }
        Run run = new Run(child, restarts);
        Thread thread;
        try {
            thread = newThread(run);
        } catch (Throwable t) {
            if (child.everStarted) {
                child.restarts--;
            }
            // Terminate after the lock is released: callers may be iterating the children.
            IllegalStateException cause = new IllegalStateException("supervisor \"" + name()
                    + "\" could not create a thread for \"" + child.name() + "\"", t);
            out.add(() -> terminate(cause));
            return;
        }
        run.thread = thread;
        attach(child, run, restarts);
        out.add(() -> startThread(run));   // after the lock: a start can block on the JDK's own locks
    }

    /** Starts a run's thread; a stop request that came first is delivered again, to the live thread. */
    private static void startThread(Run run) {
        run.thread.start();
        if (run.stopRequested) {
            run.interruptThread();
        }
    }

    private void attach(Child child, Run run, int restarts) {
        child.everStarted = true;
        child.run = run;
        emit(new ServiceStarted(name(), child.name(), restarts));
    }

    private Thread newThread(Run run) {
        ThreadFactory factory = config.threadFactory();
        if (factory == null) {
            return virtualThreads.name(name() + "/" + run.child.name()).unstarted(run);
        }
        Thread thread = factory.newThread(run);
        if (thread == null) {
            throw new IllegalStateException("threadFactory returned null");
        }
        return thread;
    }

    /** A leaf run's thread is done with the service: queue its end, combine if nobody does. */
    void leafRunEnded(Run run) {
        Run head;
        do {
            head = endedRuns;
            run.nextEnded = head;
        } while (!ENDED.compareAndSet(this, head, run));
        if (combining.compareAndSet(false, true)) {
            combineEndedRuns();
        }
    }

    /**
     * Processes the ends of leaf runs, queued by their threads. One ending thread at a time (the
     * one that set {@code combining}) takes the lock and processes every queued end; the others
     * queue theirs and exit at once. So 100,000 children ending together never convoy on the
     * lock, and no API caller is ever drafted into processing a restart storm.
     */
    private void combineEndedRuns() {
        while (true) {
            Outbox out = new Outbox();
            EventChannel toSignal;
            lock.lock();
            try {
                processEndedRuns(out);
            } finally {
                toSignal = unlockSignallingLater();
            }
            out.run();        // restarts first: the listener's drainer must not delay them
            signal(toSignal);
            combining.set(false);
            // An end queued after the last poll but before the flag cleared has no combiner yet.
            if (endedRuns == null || !combining.compareAndSet(false, true)) {
                return;
            }
        }
    }

    /** Takes every queued end at once (one atomic swap, not one per run) and processes them in order. */
    private void processEndedRuns(Outbox out) {
        Run newest = (Run) ENDED.getAndSet(this, null);
        if (newest == null) {
            return;
        }
        if (newest.nextEnded == null) {     // the usual case outside mass stops: one end
            onRunEnded(newest, newest.endThrown, out);
            return;
        }
        // Reversed through a fresh list, not by relinking the runs: runs long in the old
        // generation would pay a GC write barrier for each link rewritten.
        ArrayList<Run> newestFirst = new ArrayList<>();
        for (Run r = newest; r != null; ) {
            Run next = r.nextEnded;
            r.nextEnded = null;
            newestFirst.add(r);
            r = next;
        }
        for (int i = newestFirst.size() - 1; i >= 0; i--) {
            Run run = newestFirst.get(i);
            onRunEnded(run, run.endThrown, out);
        }
    }

    /** A run ended: on the run's own thread, or (child supervisors) after their last child ended. */
    private void runEnded(Run run, Throwable thrown) {
        Outbox out = new Outbox();
        lock.lock();
        try {
            onRunEnded(run, thrown, out);
        } finally {
            unlock();
        }
        out.run();
    }

    private void onRunEnded(Run run, Throwable thrown, Outbox out) {
        if (run.ended) {
            return;
        }
        run.ended = true;
        if (runWaiters > 0) {
            runEnded.signalAll();
        }
        if (run.deadline != null) {
            run.deadline.runGone();
        }
        if (run.abandoned) {        // its end was already reported as ServiceStopTimeout
            abandoned.remove(run);
            if (Outcome.isFatal(thrown)) {
                beginShutdown(thrown, out);
            }
            return;
        }
        Child child = run.child;
        detach(child);
        if (run.stopRequested) {
            emit(new ServiceStopped(name(), child.name()));
            afterStop(child);
            if (Outcome.isFatal(thrown)) {   // a stopped run is not a failure, but a broken JVM still ends the tree
                beginShutdown(thrown, out);
            }
        } else {
            decide(child, Outcome.of(thrown), out);
        }
        settleBatches(out);
    }

    /** What to do with a child whose run ended on its own (API.md's table). */
    private void decide(Child child, Outcome outcome, Outbox out) {
        Restart restart = child.spec.restart();
        switch (outcome.kind()) {
            case FATAL, TERMINATE_TREE -> {
                child.lastFailure = outcome.thrown();
                emit(new ServiceFailed(name(), child.name(), outcome.thrown(), currentFailures(), threshold(), false));
                beginShutdown(outcome.decisive(), out);
            }
            case DO_NOT_RESTART -> complete(child);
            case RETURNED -> {
                if (restart == Restart.PERMANENT) {
                    countedFailure(child, null, out);
                } else {
                    complete(child);
                }
            }
            case FAILED -> {
                child.lastFailure = outcome.thrown();
                if (restart == Restart.TEMPORARY) {
                    emit(new ServiceFailed(name(), child.name(), outcome.thrown(), currentFailures(), threshold(), false));
                    drop(child);
                } else {
                    countedFailure(child, outcome.thrown(), out);
                }
            }
        }
    }

    private void complete(Child child) {
        emit(new ServiceCompleted(name(), child.name()));
        drop(child);
    }

    private void countedFailure(Child child, Throwable cause, Outbox out) {
        long now = config.clock().nanoTime();
        double count = failures.record(now);
        if (phase != Phase.RUNNING) {        // stopping: nothing restarts
            emit(new ServiceFailed(name(), child.name(), cause, count, threshold(), false));
            afterStop(child);
            return;
        }
        if (!inBackoff && count > threshold()) {
            startBackoff(now);
        }
        List<Child> siblings = siblingsToRestart(child);
        emit(new ServiceFailed(name(), child.name(), cause, count, threshold(), !inBackoff));
        if (!siblings.isEmpty()) {
            joinWave(child, siblings, out);
        } else if (inBackoff) {
            child.idleState = ChildState.BACKOFF;
        } else {
            startRun(child, out);
        }
    }

    /** The children a failure of {@code failed} restarts besides itself, per the strategy. */
    private List<Child> siblingsToRestart(Child failed) {
        if (config.strategy() == Strategy.ONE_FOR_ONE) {
            return List.of();
        }
        List<Child> siblings = new ArrayList<>();
        for (Child c : children) {
            boolean affected = config.strategy() == Strategy.ONE_FOR_ALL || c.seq > failed.seq;
            if (c != failed && affected && !c.removed) {
                siblings.add(c);
            }
        }
        return siblings;
    }

    /** Starts or widens a strategy restart: stop the siblings, then restart all in add order. */
    private void joinWave(Child failed, List<Child> siblings, Outbox out) {
        if (wave == null) {
            wave = new Wave(new StopBatch(config.stopOrder()));
        }
        waiting(failed);
        wave.toRestart.add(failed);
        for (Child sibling : siblings) {
            if (sibling.spec.restart() == Restart.TEMPORARY) {
                sibling.removed = true;           // stopped, not restarted
            } else {
                wave.toRestart.add(sibling);
                waiting(sibling);
            }
            if (sibling.run != null) {
                wave.batch.add(sibling);
            } else if (sibling.removed) {
                drop(sibling);
            }
        }
    }

    /** Checks whether a strategy restart or the supervisor's own stop can move on. */
    private void settleBatches(Outbox out) {
        if (wave != null && wave.batch.advance(this, out)) {
            Wave done = wave;
            wave = null;
            for (Child c : children) {
                if (done.toRestart.contains(c) && c.run == null && !c.removed && phase == Phase.RUNNING) {
                    if (inBackoff) {
                        c.idleState = ChildState.BACKOFF;
                    } else {
                        startRun(c, out);
                    }
                }
            }
        }
        if (shutdown != null && shutdown.advance(this, out)) {
            shutdown = null;
            finishRun(out);
        }
    }

    /**
     * Asks runs to stop: flags, onStop actions, interrupts (or, for child supervisors, their own
     * stop), then one shared timer per distinct shutdown timeout. A zero timeout abandons a run at
     * once: it cannot have ended while this lock is held.
     */
    void requestStops(List<Run> runs, Outbox out) {
        Map<Duration, Run.Deadline> deadlines = null;
        Duration lastTimeout = null;         // runs asked together usually share one timeout:
        Run.Deadline lastDeadline = null;    // skip the map lookup for each of them
        List<Run> abandonNow = null;
        List<Run> toInterrupt = new ArrayList<>(runs.size());
        for (Run run : runs) {
            if (run == null || run.stopRequested || run.ended) {
                continue;
            }
            run.stopRequested = true;
            if (run.sub() != null) {
                Supervisor sub = run.sub();
                out.add(() -> sub.stopAsChild(run));
            } else {
                List<Runnable> actions = run.requestStop();
                if (actions != null) {
                    out.add(() -> run.startOnStopActions(actions));   // before the interrupts below
                }
                toInterrupt.add(run);
            }
            Duration timeout = shutdownTimeoutOf(run.child);
            if (timeout.isZero()) {
                (abandonNow == null ? abandonNow = new ArrayList<>() : abandonNow).add(run);
            } else {
                if (!timeout.equals(lastTimeout)) {
                    lastTimeout = timeout;
                    lastDeadline = (deadlines == null ? deadlines = new HashMap<>() : deadlines)
                            .computeIfAbsent(timeout, t -> new Run.Deadline());
                }
                lastDeadline.add(run);
            }
        }
        if (!toInterrupt.isEmpty()) {
            out.add(() -> interrupt(toInterrupt));   // after the lock: an interrupt takes the target's monitor
        }
        if (deadlines != null) {
            deadlines.forEach((timeout, deadline) ->
                    deadline.timer = config.clock().schedule(timeout, () -> deadlineExpired(deadline)));
        }
        if (abandonNow != null) {
            abandonNow.forEach(run -> abandon(run, out));
        }
    }

    /**
     * Interrupts the threads of runs asked to stop. A platform thread waking many virtual threads
     * pays the scheduler's external submission for each (about 3x the cost of the same wake from
     * a carrier, measured on 100,000 children), so a large fan-out is handed to one virtual thread.
     * The stop flags are already set, and the deadlines do not depend on it: if no carrier is free
     * for the fan-out, the children it would wake could not run either, and they time out.
     */
    private void interrupt(List<Run> runs) {
        if (runs.size() < FAN_OUT_THRESHOLD || Thread.currentThread().isVirtual()) {
            runs.forEach(Run::interruptThread);
        } else {
            Thread.ofVirtual().name(name() + "/stop").start(() -> runs.forEach(Run::interruptThread));
        }
    }

    private void deadlineExpired(Run.Deadline deadline) {
        Outbox out = new Outbox();
        lock.lock();
        try {
            // Runs that ended but whose end waits in the queue (no carrier was free for the
            // combiner) did stop in time: they must not be reported as hung.
            processEndedRuns(out);
            for (Run run : deadline.runs) {
                if (!run.ended && !run.abandoned) {
                    abandon(run, out);
                }
            }
            settleBatches(out);
        } finally {
            unlock();
        }
        out.run();
    }

    /** A run ignored its stop request past its timeout: report it, keep it only for StopReports. */
    private void abandon(Run run, Outbox out) {
        run.abandoned = true;
        abandoned.add(run);
        Child child = run.child;
        detach(child);
        emit(new ServiceStopTimeout(name(), child.name()));
        afterStop(child);
        if (run.sub() != null) {
            run.sub().abandonedByParent(out);  // parent-before-child: this lock is held, the child's is taken
        }
    }

    /**
     * Its parent gave up waiting for it (a shutdown timeout): nobody waits for this subtree any
     * more, so it must not go on restarting children while it winds down in its own order (their
     * threads would appear after the ancestors' StopReports were made). Stops everything below at
     * once, depth first and synchronously (only child locks are taken), so every descendant is
     * STOPPING, and restarts nothing, before the caller releases its lock. What must happen outside
     * the locks goes into the caller's outbox.
     */
    private void abandonedByParent(Outbox out) {
        lockNested();
        try {
            if (phase == Phase.RUNNING) {
                beginShutdown(null, out);
            }
            if (phase == Phase.STOPPING) {
                List<Run> live = new ArrayList<>();
                for (Child c : children) {
                    if (c.run != null) {
                        live.add(c.run);
                    }
                }
                requestStops(live, out);    // all at once, whatever the stop order
                for (Run r : live) {
                    if (r.sub() != null && !r.abandoned) {
                        r.sub().abandonedByParent(out);
                    }
                }
                settleBatches(out);
            }
        } finally {
            unlock();
        }
    }

    private void detach(Child child) {
        child.run = null;
        if (child.batch != null) {
            child.batch.memberGone(child);
        }
    }

    /** A child's run is gone after a stop request: removed children go, the others wait. */
    private void afterStop(Child child) {
        if (child.removed || child.spec.restart() == Restart.TEMPORARY) {
            drop(child);
        } else {
            waiting(child);
        }
    }

    /**
     * Marks an idle child WAITING, writing only on change: a pass over 100,000 children that have
     * lived long enough to reach the old generation would otherwise pay a GC card-marking write
     * barrier for each (the finishing pass showed as 40% of stop()'s samples after a full GC).
     */
    private static void waiting(Child child) {
        if (child.idleState != ChildState.WAITING) {
            child.idleState = ChildState.WAITING;
        }
    }

    private void drop(Child child) {
        if (!child.gone) {
            child.gone = true;
            children.remove(child);
            retire(child);
        }
    }

    /**
     * A child supervisor that stops being a child may still hold runs that ignored their stop
     * request (abandoned below it, alive): keep it for this supervisor's StopReports until it has
     * none. Prunes the others at the same time, so removed supervisors do not pile up.
     */
    private void retire(Child child) {
        if (child.spec.service() instanceof Supervisor) {
            retiredSubs.removeIf(c -> !hasUnstopped(c));
            if (hasUnstopped(child)) {
                retiredSubs.add(child);
            }
        }
    }

    private static boolean hasUnstopped(Child subChild) {
        return !((Supervisor) subChild.spec.service()).unstoppedBelow(List.of()).isEmpty();
    }

    /** Removes a child for good, stopping its run; false if it is no longer a current child. */
    private boolean requestRemoval(Child child, Outbox out) {
        if (child.gone) {
            return false;
        }
        if (child.removed && child.run != null) {
            return true;                                   // already being removed
        }
        child.removed = true;
        if (child.run == null) {
            drop(child);
        } else {
            requestStops(List.of(child.run), out);
            settleBatches(out);
        }
        return true;
    }

    /** {@code now} is the failure's clock reading: one reading per failure, as the soak's model expects. */
    private void startBackoff(long now) {
        Duration delay = jittered(config.failureBackoff());
        long generation = ++backoffGeneration;
        inBackoff = true;
        backoffStartedAt = now;
        backoffNanos = SystemClock.saturatedNanos(delay);
        backoffTimer = config.clock().schedule(delay, () -> backoffExpired(generation));
        emit(new BackoffStarted(name(), delay));
    }

    private Duration jittered(Duration base) {
        try {
            Duration d = config.backoffJitter().apply(base);
            if (d != null && !d.isNegative()) {
                return d;
            }
            LOG.log(System.Logger.Level.WARNING, "backoffJitter returned " + d + "; using " + base);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "backoffJitter threw; using " + base, e);
        }
        return base;
    }

    private void backoffExpired(long generation) {
        Outbox out = new Outbox();
        lock.lock();
        try {
            if (generation != backoffGeneration || !inBackoff || phase != Phase.RUNNING) {
                return;
            }
            endBackoff();
            emit(new BackoffEnded(name()));
            for (Child c : children) {
                if (c.run == null && c.idleState == ChildState.BACKOFF && !c.removed) {
                    startRun(c, out);
                }
            }
        } finally {
            unlock();
        }
        out.run();
    }

    private void endBackoff() {
        inBackoff = false;
        failures.reset();
        if (backoffTimer != null) {
            backoffTimer.cancel();
            backoffTimer = null;
        }
    }

    /**
     * Stops every child, then terminates. {@code cause} is null for a stop, or the
     * TerminateTreeException / fatal error that terminates the supervisor. A fatal error that
     * arrives while already stopping still becomes the cause: it must reach the root.
     */
    private void beginShutdown(Throwable cause, Outbox out) {
        if (phase != Phase.RUNNING) {
            if (phase == Phase.STOPPING && Outcome.isFatal(cause) && !Outcome.isFatal(terminationCause)) {
                terminationCause = cause;
            }
            return;
        }
        phase = Phase.STOPPING;
        terminationCause = cause;
        if (inBackoff) {
            inBackoff = false;
            backoffTimer.cancel();
            backoffTimer = null;
        }
        wave = null;                           // nothing restarts any more
        shutdown = new StopBatch(config.stopOrder());
        for (Child c : children) {
            if (c.run != null) {
                shutdown.add(c);
            }
        }
        phaseChanged.signalAll();
        settleBatches(out);
    }

    private void terminate(Throwable cause) {
        Outbox out = new Outbox();
        lock.lock();
        try {
            beginShutdown(cause, out);
        } finally {
            unlock();
        }
        out.run();
    }

    /** Every child's run is gone: terminate this run of the supervisor and tell its host. */
    private void finishRun(Outbox out) {
        phase = Phase.TERMINATED;
        children.removeIf(c -> {
            waiting(c);
            boolean temporary = c.spec.restart() == Restart.TEMPORARY || c.removed;
            if (temporary) {
                c.gone = true;
                retire(c);
            }
            return temporary;
        });
        lastReport = new StopReport(unstopped(List.of(name())));
        emit(new SupervisorTerminated(name(), terminationCause));
        phaseChanged.signalAll();
        Host ended = host;
        host = null;
        Throwable outcome = outcomeForHost();
        out.add(() -> ended.ended(outcome));
        if (pendingRun != null) {
            Run next = pendingRun;
            pendingRun = null;
            out.add(() -> beginAsChildOf(next));
        }
    }

    /** What this run's end means to whoever ran it (API.md: propagation rules). */
    private Throwable outcomeForHost() {
        Throwable cause = terminationCause;
        if (Outcome.isFatal(cause)) {
            return cause;
        }
        if (cause instanceof TerminateTreeException tte) {
            return config.propagateTermination() ? tte
                    : new DoNotRestartException("supervisor \"" + name() + "\" terminated; propagateTermination is false", tte);
        }
        if (stoppedForGood) {
            return new DoNotRestartException("supervisor \"" + name() + "\" was stopped with stop()");
        }
        return null;
    }

    /**
     * Every run below this supervisor that is still running, depth first in add order. Every child
     * supervisor is asked, whether its own run is still going or not (current or retired): runs it
     * abandoned outlive its run.
     */
    private List<UnstoppedService> unstopped(List<String> path) {
        List<Run> leaves = new ArrayList<>();
        for (Run run : abandoned) {
            if (run.sub() == null) {
                leaves.add(run);
            }
        }
        List<Child> subs = new ArrayList<>(retiredSubs);
        for (Child c : children) {
            if (c.spec.service() instanceof Supervisor) {
                subs.add(c);
            } else if (c.run != null) {
                leaves.add(c.run);
            }
        }
        leaves.sort(java.util.Comparator.comparingLong(r -> r.child.seq));
        subs.sort(java.util.Comparator.comparingLong(c -> c.seq));
        List<UnstoppedService> result = new ArrayList<>();
        int next = 0;
        for (Child subChild : subs) {
            for (; next < leaves.size() && leaves.get(next).child.seq < subChild.seq; next++) {
                result.add(new UnstoppedService(path, leaves.get(next).child.name()));
            }
            Supervisor sub = (Supervisor) subChild.spec.service();
            List<String> subPath = new ArrayList<>(path);
            subPath.add(sub.name());
            result.addAll(sub.unstoppedBelow(subPath));
        }
        for (; next < leaves.size(); next++) {
            result.add(new UnstoppedService(path, leaves.get(next).child.name()));
        }
        return result;
    }

    private List<UnstoppedService> unstoppedBelow(List<String> path) {
        lockNested();    // parent's lock is held: parent-before-child is the lock order
        try {
            return unstopped(path);
        } finally {
            unlock();
        }
    }

    /**
     * Records an event of the locked section in progress; {@link #unlock()} publishes the section's
     * events together, so a listener never sees an event before every effect of the section that
     * emitted it (a timer it scheduled, a child it started) is in place.
     */
    /**
     * Takes this child supervisor's lock while the caller holds its parent's. Spins instead of
     * parking: a virtual thread that parked here would need a free carrier to go on, and with every
     * carrier held by children spinning on the CPU it would keep the parent locked, and the timer
     * thread behind it. Nothing parks while holding a supervisor's lock (scheduling on the system
     * clock, thread starts and interrupts never do; they run after the lock is released), so the
     * spin lasts at most one critical section.
     */
    private void lockNested() {
        while (!lock.tryLock()) {
            Thread.onSpinWait();
        }
    }

    private void emit(SupervisorEvent event) {
        totals.count(event);
        unpublished.add(event);
    }

    /** Releases the lock; every lock release goes through here (or {@link #publishEvents} first). */
    private void unlock() {
        signal(unlockSignallingLater());
    }

    /** Releases the lock like {@link #unlock()}; the caller signals the returned channel, if any, when it suits it. */
    private EventChannel unlockSignallingLater() {
        EventChannel toSignal = publish();
        lock.unlock();
        return toSignal;
    }

    /** Publishes before a condition wait (which releases the lock without {@link #unlock()}). */
    private void publishEvents() {
        signal(publish());
    }

    /** Starts or wakes a channel's drainer, after the lock: a thread start can block on the JDK's own locks. */
    private static void signal(EventChannel toSignal) {
        if (toSignal != null) {
            toSignal.signal();
        }
    }

    /** Pushes this section's events; returns the channel if the caller must signal its drainer. */
    private EventChannel publish() {
        EventChannel c = channel;
        if (c == null) {
            unpublished.clear();
            return null;
        }
        return c.publish(unpublished) ? c : null;
    }

    private double currentFailures() {
        return failures.current(config.clock().nanoTime());
    }

    private double threshold() {
        return config.failureThreshold();
    }

    private Duration shutdownTimeoutOf(Child child) {
        Duration own = child.spec.shutdownTimeout();
        return own != null ? own : config.shutdownTimeout();
    }

    // ---------------------------------------------------------------- hosting: root, parent, serve()

    /** Whoever runs a run of this supervisor, told (outside every lock) when that run ends. */
    private interface Host {
        void ended(Throwable outcome);
    }

    private static final Host ROOT = outcome -> { };

    /** The host of a run started by {@link #serve}: the serving thread waits on it. */
    private static final class ServeHost implements Host {
        final java.util.concurrent.CountDownLatch ended = new java.util.concurrent.CountDownLatch(1);
        volatile Throwable outcome;

        @Override
        public void ended(Throwable outcome) {
            this.outcome = outcome;
            ended.countDown();
        }
    }

    /** Called by the parent (outside its lock) to begin a run of this child supervisor. */
    private void beginAsChildOf(Run run) {
        Supervisor parentSupervisor = run.child.owner;
        Outbox out = new Outbox();
        lock.lock();
        try {
            if (host != null) {
                // The parent gave up waiting for the previous run (its shutdown timeout) and restarted
                // it while that run is still stopping: begin once it has finished, never two at once.
                // Even a run already asked to stop waits: its end must not be reported while this
                // supervisor is still stopping (a child supervisor is TERMINATED before its end).
                if (host instanceof ChildHost h && h.run().stopRequested) {
                    beginShutdown(null, out);             // its stop request may not have arrived yet
                }
                if (pendingRun != null) {                 // superseded before it began: it ends stopped
                    Run superseded = pendingRun;
                    out.add(() -> parentSupervisor.runEnded(superseded, null));
                }
                pendingRun = run;
            } else if (run.stopRequested) {               // stopped before it began
                if (phase == Phase.NEW) {                 // its run is over: TERMINATED, like any ended run
                    phase = Phase.TERMINATED;
                    lastReport = new StopReport(List.of());
                    phaseChanged.signalAll();
                }
                out.add(() -> parentSupervisor.runEnded(run, null));
            } else if (stoppedForGood) {
                out.add(() -> parentSupervisor.runEnded(run,
                        new DoNotRestartException("supervisor \"" + name() + "\" was stopped with stop()")));
            } else {
                begin(new ChildHost(parentSupervisor, run), parentSupervisor, out);
            }
        } finally {
            unlock();
        }
        out.run();
    }

    private record ChildHost(Supervisor parent, Run run) implements Host {
        @Override
        public void ended(Throwable outcome) {
            parent.runEnded(run, outcome);
        }
    }

    /** Called by the parent (outside its lock) when it asks this child supervisor's run to stop. */
    private void stopAsChild(Run run) {
        Outbox out = new Outbox();
        lock.lock();
        try {
            if (host instanceof ChildHost h && h.run() == run) {
                beginShutdown(null, out);
            }
        } finally {
            unlock();
        }
        out.run();
    }

    private void stopFrom(Host requester) {
        Outbox out = new Outbox();
        lock.lock();
        try {
            if (host == requester) {
                beginShutdown(null, out);
            }
        } finally {
            unlock();
        }
        out.run();
    }

    /** Makes this supervisor the parent of {@code sub}, for good. */
    private void bindAsParentOf(Supervisor sub, String childName) {
        if (sub == this) {
            throw new IllegalArgumentException("supervisor \"" + name() + "\" cannot be its own child (\"" + childName + "\")");
        }
        bindAsParentOf(sub, this);
    }

    private static void bindAsParentOf(Supervisor sub, Supervisor newParent) {
        BINDING.lock();
        try {
            for (Supervisor p = newParent; p != null; p = p.parent) {
                if (p == sub) {
                    throw new IllegalArgumentException("supervisor \"" + sub.name() + "\" is an ancestor of \""
                            + newParent.name() + "\"; adding it would make a cycle");
                }
            }
            sub.lock.lock();
            try {
                if (sub.parent != null) {
                    throw new IllegalStateException("supervisor \"" + sub.name() + "\" is already a child of \""
                            + sub.parent.name() + "\"; a supervisor has at most one parent");
                }
                if (sub.startedAsRoot || sub.phase != Phase.NEW || sub.host != null) {
                    throw new IllegalStateException("supervisor \"" + sub.name() + "\" was already started; "
                            + "only a new supervisor can become a child");
                }
                sub.parent = newParent;
            } finally {
                sub.unlock();
            }
        } finally {
            BINDING.unlock();
        }
    }

    private static void unbind(Supervisor sub) {
        BINDING.lock();
        try {
            sub.parent = null;
        } finally {
            BINDING.unlock();
        }
    }

    private Child ownChild(ServiceRef ref) {
        Objects.requireNonNull(ref, "ref must not be null");
        if (!(ref instanceof Child child) || child.owner != this) {
            String what = ref instanceof Child ? ref.toString()
                    : "ServiceRef \"" + ref.name() + "\" (" + ref.getClass().getName() + ", not made by a supervisor)";
            throw new IllegalArgumentException(what + " is not a child of supervisor \"" + name() + "\"");
        }
        return child;
    }

    private static long nonNegativeNanos(Duration d, String what) {
        return SystemClock.saturatedNanos(Builder.nonNegative(d, what));
    }

    private static Exception asException(Throwable t) {
        if (t instanceof Error e) {
            throw e;
        }
        return (Exception) t;
    }

    /** Children to restart together once the stopping siblings have ended. */
    private record Wave(StopBatch batch, Set<Child> toRestart) {
        Wave(StopBatch batch) {
            this(batch, new HashSet<>());
        }
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
         * The order of stops. Default {@link StopOrder#REVERSE}.
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
         * Where events go. Default: a child supervisor uses its parent's listener; a root logs
         * through {@code System.getLogger("dev.arbor")} (failures and timeouts at WARNING, fatal
         * terminations at ERROR, with stack traces; starts and stops at DEBUG).
         *
         * @param listener called with every event, one at a time, in order
         * @return this builder
         */
        public Builder onEvent(Consumer<? super SupervisorEvent> listener) {
            this.listener = Objects.requireNonNull(listener, "onEvent listener must not be null");
            return this;
        }

        /**
         * The source of every delay the supervisor waits for. Default {@link SupervisorClock#system()}.
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
         * {@code "<supervisor>/<service>"}. The factory must return a new, unstarted thread.
         *
         * @param f makes one new, unstarted thread per run
         * @return this builder
         */
        public Builder threadFactory(ThreadFactory f) {
            this.threadFactory = Objects.requireNonNull(f, "threadFactory must not be null");
            return this;
        }

        /**
         * A new supervisor in state {@link SupervisorState#NEW} with these settings.
         *
         * @return the supervisor
         */
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
