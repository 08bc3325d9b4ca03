package dev.arbor.internal;

import dev.arbor.AutoShutdown;
import dev.arbor.Cancellable;
import dev.arbor.ChildHealth;
import dev.arbor.ChildInfo;
import dev.arbor.ChildSpec;
import dev.arbor.ChildState;
import dev.arbor.DoNotRestartException;
import dev.arbor.EventContext;
import dev.arbor.EventListener;
import dev.arbor.FailureAction;
import dev.arbor.HealthStatus;
import dev.arbor.Cancellable;
import dev.arbor.Restart;
import dev.arbor.RestartIntensityException;
import dev.arbor.StartFailedException;
import dev.arbor.ServiceContext;
import dev.arbor.Service;
import dev.arbor.ServiceRef;
import dev.arbor.StopReport;
import dev.arbor.Supervisor;
import dev.arbor.SupervisorEvent;
import dev.arbor.SupervisorEvent.BackoffEnded;
import dev.arbor.SupervisorEvent.BackoffStarted;
import dev.arbor.SupervisorEvent.ServiceCompleted;
import dev.arbor.SupervisorEvent.ServiceFailed;
import dev.arbor.SupervisorEvent.ServiceStarted;
import dev.arbor.SupervisorEvent.ServiceStopTimeout;
import dev.arbor.SupervisorEvent.ServiceStopped;
import dev.arbor.SupervisorEvent.SupervisorTerminated;
import dev.arbor.SupervisorHealth;
import dev.arbor.SupervisorState;
import dev.arbor.TerminateTreeException;
import dev.arbor.UnstoppedService;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * The engine of one {@link Supervisor}: a monitor. {@code Supervisor} is its public face (the
 * contract, argument checks, the builder); this class holds every piece of mutable supervision
 * state behind one lock, and applies what the compute-only helpers decide.
 *
 * <h2>Data flow</h2>
 * {@code add} → {@link Child} (the child record, also its {@link ServiceRef}) → {@link Run} (one
 * run: a thread for a leaf service, or a run of a child supervisor) → the run ends →
 * {@link Outcome#of} classifies it → {@link #decide} (restart / wait for a backoff / remove /
 * terminate) → a {@link SupervisorEvent}, published on the {@link EventChannel} when the lock is
 * released.
 *
 * <h2>Who decides, who applies</h2>
 * The helpers compute and never call back into this class; this class applies their answers,
 * because the consequences of every decision (start a run, abandon, detach, drop, retire, finish)
 * are its own state.
 * <ul>
 *   <li>{@link FailurePolicy}: the decayed count, the threshold, the backoff and its timer
 *       (API.md "Failure accounting").</li>
 *   <li>{@link RestartIntensity}: whether a restart exceeds {@code maxRestarts} within its
 *       window; if so the supervisor gives up ({@link #giveUp}).</li>
 *   <li>{@link ChildBackoff}: a child's own exponential backoff ({@code ChildSpec.withBackoff}):
 *       the delay after each failure and its timer; kept in {@code childBackoffs} only for
 *       children that have one.</li>
 *   <li>{@link Wave}: which siblings a failure restarts, and which of them come back
 *       (API.md "Strategies").</li>
 *   <li>{@link StopBatch}: the order in which a set of children is asked to stop (REVERSE or
 *       PARALLEL); it sees this class only as a {@link StopBatch.Requester}.</li>
 *   <li>{@link StopDeadlines}: the shutdown timers of one section's stop requests, one per
 *       distinct timeout.</li>
 *   <li>{@link ChildTable}: the current children, unique by name, in add order.</li>
 *   <li>{@link Timers}: the calls into a user's clock, guarded (a null handle, a task run inside
 *       {@code schedule}, a {@code cancel} that throws).</li>
 *   <li>{@link Outbox}: what must run after the lock is released.</li>
 * </ul>
 *
 * <h2>Phases</h2>
 * <pre>
 *   NEW ──start()/run()/begun by parent──▶ RUNNING ──beginShutdown──▶ STOPPING ──finishRun──▶ TERMINATED
 *    │                                     (in backoff:                                      │
 *    └──stop() / stopped before begun──▶ TERMINATED     FailurePolicy)      begun again by the parent
 *                                                                           (a child supervisor only) ──▶ RUNNING
 * </pre>
 * {@code SupervisorState.BACKOFF} is RUNNING with {@link FailurePolicy#inBackoff()}. Each run begins
 * with the <b>ordered start</b> ({@link #continueStart}): children start in add order, and the start
 * stops at a child whose spec awaits ready ({@code awaitingReady}, its start timeout on the clock)
 * until {@link #runReady}; {@code starting} is true until every child is started, and a root's
 * {@code start()} waits for it on {@code phaseChanged}. A root runs
 * once. A child supervisor restarted while still STOPPING keeps the next run in
 * {@code pendingRun} and begins it from {@link #finishRun}.
 *
 * <h2>Who owns what</h2>
 * <table>
 *   <caption>Mutable state and its owner</caption>
 *   <tr><th>state</th><th>owner</th></tr>
 *   <tr><td>{@code phase}, {@code host}, {@code pendingRun}, {@code startedAsRoot}, {@code stoppedForGood},
 *       {@code terminationCause}, {@code lastReport}, {@code children}, {@code abandoned},
 *       {@code retiredSubs}, {@code wave}, {@code shutdown}, {@code shutdownTimer}, {@code failures},
 *       {@code intensity}, {@code childBackoffs}, {@code starting}, {@code awaitingReady},
 *       {@code readyTimer}, {@code totals}, {@code nextSeq}, {@code runWaiters}, {@code lastNow},
 *       {@code unpublished}, {@code sectionTime}, {@code defaultChannel}, {@code backoffKey}; every
 *       {@link Child} field; the {@link Run} fields {@code ended}, {@code abandoned},
 *       {@code deadline}</td>
 *       <td>this supervisor's {@code lock}</td></tr>
 *   <tr><td>{@code parent}</td><td>written once under the global {@code BINDING} lock and this lock;
 *       volatile for readers</td></tr>
 *   <tr><td>{@code channel}, {@code path}</td><td>written under the lock at the start of a run;
 *       volatile, read by {@link #publish}, by the channel's owner callbacks and by child supervisors
 *       that inherit them</td></tr>
 *   <tr><td>{@code endedRuns}, {@code combining}</td><td>lock-free: the stack of ended leaf runs and the
 *       flag of the thread combining them</td></tr>
 *   <tr><td>{@link Run#stopRequested}, its onStop actions and waiters</td><td>lock-free, so a service
 *       can poll its context freely and nothing it does with it can block the supervisor</td></tr>
 *   <tr><td>{@link Run#endThrown}</td><td>the run's thread, handed over through {@code endedRuns}</td></tr>
 * </table>
 *
 * <h2>Threads and locks</h2>
 * <ul>
 *   <li><b>No thread per supervisor.</b> It is driven by three things: a leaf run ending (on the
 *       run's own thread), a clock timer (backoff end, shutdown deadline; the system clock runs them
 *       on one daemon platform thread) and API calls. So when children spin on every
 *       virtual-thread carrier, timers and stop logic still run.</li>
 *   <li><b>A child supervisor</b> added with {@code add} is run by its parent without a thread: the
 *       parent calls {@link #beginAsChildOf} and the child calls back {@link #runEnded} when its
 *       run is over. {@link #serve} (a user wrapping a supervisor in a service) hosts it in the
 *       caller's thread instead.</li>
 *   <li><b>Lock order.</b> A thread may take a child's lock while holding its parent's (reports,
 *       health, an abandoned subtree), never the reverse. Calls from one supervisor into another go
 *       into an {@link Outbox} that runs after the lock is released. {@code BINDING} is taken
 *       before any supervisor lock, never after.</li>
 *   <li><b>Nothing parks while holding the lock.</b> A virtual thread that parked there would need
 *       a free carrier to go on; with every carrier held by spinning children it would keep the
 *       lock, and the timer thread would stall behind it. So the system clock's {@code schedule} is
 *       a lock-free handoff; a child's lock taken under the parent's is a {@code tryLock} spin
 *       ({@link #lockNested}); thread starts, interrupts, onStop-action threads and the event
 *       drainer start from the {@link Outbox}. Waiting API callers park on conditions, which
 *       release the lock.</li>
 *   <li><b>User code under the lock</b>: the thread factory ({@link #newThread}), the jitter
 *       ({@link FailurePolicy#begin}) and the clock ({@code nanoTime}, {@code schedule}) are called
 *       while the lock is held; they must be quick and must not call back into the supervisor.
 *       Listeners, onStop actions and services never run under it.</li>
 *   <li><b>Run ends are combined.</b> A leaf run's thread pushes its {@code Run} on an intrusive
 *       stack ({@link Run#nextEnded}) and, if no thread is combining, becomes the combiner: it takes
 *       the lock and processes every queued end (one atomic swap per batch). The others exit at once,
 *       so 100,000 children ending together never convoy on the lock, and only run threads combine,
 *       never an API caller. The timer processes queued ends before judging deadlines, so a run
 *       that ended while no carrier was free for the combiner is not reported as hung.</li>
 *   <li><b>Events</b> are recorded during a locked section ({@link #emit}) and published when it
 *       ends ({@link #unlock}, which every release goes through, and before every condition wait),
 *       as one batch. So their order is the order of the facts, and a listener never sees an event
 *       before the other effects of its section. A child supervisor without a listener shares its
 *       parent's channel, so one listener is never called from two threads. The channel's drainer
 *       is described in {@link EventChannel}.</li>
 * </ul>
 *
 * <h2>Stopping</h2>
 * <ul>
 *   <li>A stop request ({@link #requestStops}): {@code isStopping()} true, onStop actions started on
 *       their own virtual thread, waiters on other threads released, then the interrupt. A platform
 *       thread asking 64 or more runs at once hands the interrupts to one virtual thread: waking a
 *       virtual thread from a platform thread goes through the scheduler's external queue, about 3x
 *       the cost (measured on 100,000 children). A run ending after its stop request is
 *       {@code ServiceStopped}, whatever it threw.</li>
 *   <li>Each request gets a deadline on the supervisor's clock ({@link StopDeadlines}). At the
 *       deadline a run still going is <b>abandoned</b> ({@link #abandon}): {@code ServiceStopTimeout},
 *       its child lets go of it, and it stays in {@code abandoned} only to be listed in
 *       {@code StopReport}s until its thread ends. A child supervisor abandoned by its parent stops
 *       its whole subtree at once and restarts nothing ({@link #abandonedByParent}).</li>
 *   <li>A {@code StopReport} lists the leaf runs still alive (current and abandoned) and, recursively,
 *       every child supervisor's, whether its own run is still going or not. One that stops being a
 *       child is kept in {@code retiredSubs} while anything below it is alive.</li>
 *   <li>{@link StopBatch} drives {@code stop()}, termination and strategy restarts ({@link Wave}). A
 *       shutdown replaces a wave in progress: nothing restarts any more.</li>
 * </ul>
 *
 * <p>Public only so that {@code dev.arbor.Supervisor} can reach it; the package is not exported.
 */
public final class SupervisorCore {
    /** Set by {@code Supervisor}'s class initializer: how the engine reaches a child supervisor's core. */
    private static volatile Function<Supervisor, SupervisorCore> coreOfSupervisor;

    /**
     * Lets the engine find the core behind a {@link Supervisor} added as a child, without a public
     * accessor on the face (the JDK's SharedSecrets pattern). Called once, by {@code Supervisor}.
     *
     * @param coreOf returns a supervisor's core
     * @throws IllegalStateException if called a second time
     */
    public static void registerFace(Function<Supervisor, SupervisorCore> coreOf) {
        if (coreOfSupervisor != null) {
            throw new IllegalStateException("the Supervisor face is registered already");
        }
        coreOfSupervisor = Objects.requireNonNull(coreOf, "coreOf");
    }

    static SupervisorCore coreOf(Supervisor face) {
        return coreOfSupervisor.apply(face);
    }

    /** The core of the child supervisor that {@code child} is, or null for a leaf service. */
    static SupervisorCore subOf(Child child) {
        return child.service() instanceof Supervisor s ? coreOf(s) : null;
    }

    private static final System.Logger LOG = System.getLogger("dev.arbor");
    private final Config config;
    private final StopBatch.Requester stopRequester = this::requestStops;

    private static final VarHandle ENDED;
    /** From this many leaf runs on, a platform thread hands the interrupts to a virtual thread. */
    private static final int FAN_OUT_THRESHOLD = 64;

    static {
        try {
            ENDED = MethodHandles.lookup().findVarHandle(SupervisorCore.class, "endedRuns", Run.class);
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
    private final FailurePolicy failures;                      // lock: the decayed count and the backoff
    private final RestartIntensity intensity;                  // lock; null: no maxRestarts
    private java.util.IdentityHashMap<Child, ChildBackoff> childBackoffs;   // lock; only children with a backoff, made on first use
    private final EventChannel ownChannel;                     // null: inherit, or log through defaultChannel
    private EventChannel defaultChannel;                       // lock: made on first use, for a root without a listener
    private final BackoffKey backoffKey = new BackoffKey();    // lock: a dropped BackoffStarted drops its end too
    private final EventChannel.Owner channelOwner = new ChannelOwner();
    private volatile List<String> path;                        // names from the root to this one; set at begin
    private Instant sectionTime;                               // lock: when this section's events happened
    @SuppressWarnings("unused")                                // via ENDED: a stack linked through Run.nextEnded
    private volatile Run endedRuns;
    private final AtomicBoolean combining = new AtomicBoolean();
    private Thread lastOutboxOf;   // the combiner running its last outbox with 'combining' released (plain: a hint)
    private final Thread.Builder virtualThreads;               // lock: reused, names each run's thread

    private volatile SupervisorCore parent;      // set once, under BINDING and this lock
    private volatile EventChannel channel;   // the channel of the current run
    private Phase phase = Phase.NEW;
    private boolean startedAsRoot;
    private boolean stoppedForGood;          // stop() was called on it directly
    private Host host;                       // who runs it now; null between runs
    private Run pendingRun;                  // a parent's next run of it, waiting for the current run to finish
    private long nextSeq;
    private int runWaiters;                  // callers in removeAndWait: stopping 100k children must not wake anyone 100k times
    private final EventTotals totals = new EventTotals();
    private Wave wave;                       // a strategy restart in progress
    private StopBatch shutdown;              // the supervisor's own stop in progress
    private Cancellable shutdownTimer;       // its shutdownDeadline, if one is set
    private Throwable terminationCause;
    private StopReport lastReport;
    private long lastNow;                    // the clock's last good reading: time stands still if a read throws
    private boolean starting;                // the ordered start of this run is not over yet
    private Child awaitingReady;             // the child whose ready signal the start waits for
    private Cancellable readyTimer;          // its start timeout

    /**
     * A supervisor in phase NEW with this configuration.
     *
     * @param config what the builder validated
     */
    public SupervisorCore(Config config) {
        this.config = config;
        this.failures = new FailurePolicy(config);
        this.intensity = config.restartWindow() == null ? null
                : new RestartIntensity(config.maxRestarts(), config.restartWindow());
        this.ownChannel = config.listener() == null ? null
                : new EventChannel(config.listener(), channelOwner, config.eventBuffer());
        this.virtualThreads = Thread.ofVirtual();
    }

    // ---------------------------------------------------------------- the face's calls (arguments checked there)

    /** @return the supervisor's name */
    public String name() {
        return config.name();
    }

    public boolean hasParent() {
        return parent != null;
    }

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
            case RUNNING -> failures.inBackoff() ? SupervisorState.BACKOFF : SupervisorState.RUNNING;
            case STOPPING -> SupervisorState.STOPPING;
            case TERMINATED -> SupervisorState.TERMINATED;
        };
    }

    public ServiceRef add(ChildSpec spec) {
        return add(spec.name(), spec.service(), spec, spec.options().significant());
    }

    /** A child with {@code ChildSpec.of}'s settings, arguments already checked: no spec is kept for it. */
    public ServiceRef add(String name, Service service) {
        return add(name, service, service, false);
    }

    private ServiceRef add(String name, Service service, Object definition, boolean significant) {
        SupervisorCore sub = service instanceof Supervisor s ? coreOf(s) : null;
        if (sub != null) {
            bindAsParentOf(sub, name);
        }
        Outbox out = new Outbox();
        Child child = null;
        RuntimeException refused;
        lock.lock();
        try {
            refused = refusal(name, significant);
            if (refused == null) {
                child = new Child(this, name, definition, nextSeq);
                Child existing = children.putIfAbsent(child);   // one lookup, not two
                if (existing != null) {
                    refused = duplicateName(name);
                } else {
                    nextSeq++;
                    if (phase == Phase.RUNNING && !starting) {   // an ordered start in progress reaches it
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

    private RuntimeException refusal(String child, boolean significant) {
        if (significant && config.autoShutdown() == AutoShutdown.NEVER) {
            return new IllegalArgumentException("child \"" + child + "\" is significant, but supervisor \""
                    + name() + "\" has autoShutdown NEVER; significant children need ANY_SIGNIFICANT or ALL_SIGNIFICANT");
        }
        if (phase == Phase.STOPPING || phase == Phase.TERMINATED) {
            return new IllegalStateException("cannot add \"" + child + "\": supervisor \"" + name()
                    + "\" is " + phase.name().toLowerCase(java.util.Locale.ROOT));
        }
        return null;
    }

    private IllegalArgumentException duplicateName(String child) {
        return new IllegalArgumentException("supervisor \"" + name() + "\" already has a child named \""
                + child + "\"");
    }

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

    public boolean removeAndWait(ServiceRef ref, long nanos) throws InterruptedException {
        refuseWaitUnderOwnLock("removeAndWait()");
        Child child = ownChild(ref);
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

    public boolean restartChild(ServiceRef ref) {
        return onDemand(ref, "restartChild", (child, out) -> {
            child.held = false;
            if (child.run != null) {
                child.restartRequested = true;     // afterStop starts it again
                requestStops(List.of(child.run), out);
                settleBatches(out);
            } else if (!waitsForWave(child)) {
                startRun(child, out);              // WAITING (stopped on demand) or BACKOFF: now
            }
        });
    }

    public boolean stopChild(ServiceRef ref) {
        return onDemand(ref, "stopChild", (child, out) -> {
            child.held = true;
            child.restartRequested = false;
            if (child.run != null) {
                requestStops(List.of(child.run), out);
                settleBatches(out);
            } else if (child.restart() == Restart.TEMPORARY) {
                drop(child, out);
            } else {
                cancelOwnBackoff(child, out);
                child.markWaiting();               // out of a backoff: it waits for startChild now
            }
        });
    }

    public boolean startChild(ServiceRef ref) {
        return onDemand(ref, "startChild", (child, out) -> {
            if (child.held) {
                child.held = false;
                if (child.run != null) {
                    child.restartRequested = true; // still stopping: start once its run is gone
                } else if (!waitsForWave(child)) {
                    startRun(child, out);
                }
            }
        });
    }

    /**
     * The frame of the calls on demand: under the lock, false for a child no longer current or
     * being removed, an IllegalStateException unless RUNNING, then {@code action}; the outbox
     * runs after the lock is released.
     */
    private boolean onDemand(ServiceRef ref, String call, java.util.function.BiConsumer<Child, Outbox> action) {
        Child child = ownChild(ref);
        Outbox out = new Outbox();
        lock.lock();
        try {
            if (child.gone || child.removed) {
                return false;
            }
            requireRunning(call, child);
            action.accept(child, out);
            return true;
        } finally {
            unlock();
            out.run();
        }
    }

    private void requireRunning(String call, Child child) {
        if (phase != Phase.RUNNING) {
            throw new IllegalStateException("cannot " + call + " \"" + child.name() + "\": supervisor \"" + name()
                    + "\" is " + phase.name().toLowerCase(java.util.Locale.ROOT));
        }
    }

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
                case RUNNING -> failures.inBackoff() ? ChildState.BACKOFF : ChildState.RUNNING;
                case STOPPING -> ChildState.STOPPING;
                case NEW, TERMINATED -> ChildState.WAITING;   // begun by the outbox, or ended: not running now
            };
        } finally {
            unlock();
        }
    }

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
            SupervisorCore s = subOf(c);
            if (s != null) {
                sub = Optional.of(s.healthNested());
            }
            ChildState state = stateOf(c);
            allWell &= state == ChildState.RUNNING && sub.map(h -> h.status() == HealthStatus.UP).orElse(true);
            kids.add(new ChildHealth(c.name(), state, c.restart(), c.restarts,
                    Optional.ofNullable(c.lastFailure), sub));
        }
        SupervisorState state = stateUnderLock();
        double count = failures.current(now);
        HealthStatus status = switch (state) {
            case NEW, STOPPING, TERMINATED -> HealthStatus.DOWN;
            case BACKOFF -> HealthStatus.DEGRADED;
            case RUNNING -> allWell && !(count > threshold() / 2) ? HealthStatus.UP : HealthStatus.DEGRADED;
        };
        Optional<Duration> remaining = phase == Phase.RUNNING ? failures.remaining(now) : Optional.empty();
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
        awaitStarted();
    }

    /**
     * Waits (on a condition: nothing parks holding the lock) until the ordered start is over.
     * If it failed, waits until what was started has stopped and throws the StartFailedException.
     * The waits are bounded by the start timeouts and shutdown timeouts on the supervisor's clock;
     * an interrupt is kept for the caller, not obeyed.
     */
    private void awaitStarted() {
        lock.lock();
        try {
            while ((phase == Phase.RUNNING && starting)
                    || (phase == Phase.STOPPING && terminationCause instanceof StartFailedException)) {
                publishEvents();
                phaseChanged.awaitUninterruptibly();
            }
            if (phase == Phase.TERMINATED && terminationCause instanceof StartFailedException failed) {
                throw failed;
            }
        } finally {
            unlock();
        }
    }

    public void run() throws Exception {
        refuseWaitUnderOwnLock("run()");
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
            flushEventsQuietly();
            throw e;
        }
        flushEvents();
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

    public StopReport stop() throws InterruptedException {
        refuseWaitUnderOwnLock("stop()");
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
        StopReport report = awaitTerminated();
        flushEvents();
        return report;
    }

    public boolean awaitTermination(long nanos) throws InterruptedException {
        refuseWaitUnderOwnLock("awaitTermination()");
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

    public Optional<Throwable> terminationCause() {
        lock.lock();
        try {
            return Optional.ofNullable(terminationCause);
        } finally {
            unlock();
        }
    }

    public void serve(ServiceContext ctx) throws Exception {
        refuseWaitUnderOwnLock("serve()");
        SupervisorCore hostSupervisor = ctx instanceof Run r ? r.child.owner : null;
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
        // A context that is not a Run is user code: it may throw, or never run the onStop action.
        // The run begun above must not outlive this call either way: it is stopped and waited for,
        // then serve() throws what the context threw.
        Throwable contextFailure = null;
        try {
            ctx.onStop(() -> stopFrom(serveHost));
        } catch (Throwable t) {
            contextFailure = t;
            stopFrom(serveHost);
        }
        boolean interrupted = false;
        while (true) {
            try {
                serveHost.ended.await();
                break;
            } catch (InterruptedException e) {
                boolean stopping;
                try {
                    stopping = ctx.isStopping();
                } catch (Throwable t) {
                    contextFailure = contextFailure == null ? t : contextFailure;
                    stopping = false;
                }
                interrupted |= !stopping;
                stopFrom(serveHost);     // idempotent; also for a context whose onStop never runs the action
            }
        }
        if (contextFailure != null) {
            throw asException(contextFailure);
        }
        if (interrupted) {
            throw new InterruptedException("supervisor \"" + name() + "\" was interrupted");
        }
        if (serveHost.outcome != null) {
            throw asException(serveHost.outcome);
        }
    }

    // ---------------------------------------------------------------- the state machine (under lock)

    /** Begins a run of this supervisor: starts every child in add order. */
    private void begin(Host newHost, SupervisorCore hostSupervisor, Outbox out) {
        host = newHost;
        path = hostSupervisor == null ? List.of(name()) : append(hostSupervisor.path, name());
        channel = ownChannel != null ? ownChannel
                : hostSupervisor != null ? hostSupervisor.channel
                : defaultChannel();
        phase = Phase.RUNNING;
        terminationCause = null;
        lastReport = null;
        failures.forgetFailures();
        if (intensity != null) {
            intensity.reset();
        }
        childBackoffs = null;                      // a new run: every child backoff starts from min
        phaseChanged.signalAll();
        Child first = null;
        for (Child child : children) {
            child.markWaiting();
            child.held = false;                    // a new run starts every child, stopped on demand or not
            child.restartRequested = false;
            first = first == null ? child : first;
        }
        starting = true;
        continueStart(first, out);
    }

    /**
     * The ordered start (OTP's synchronous start): starts the children from {@code from} in add
     * order, and stops at the first one that awaits its ready signal, with its start timeout on
     * the clock; {@link #runReady} goes on from the next one. When every child is started the start
     * is over: {@code start()} returns, and a parent that awaits this child supervisor is told.
     */
    private void continueStart(Child from, Outbox out) {
        for (Child c = from; c != null; c = c.nextInTable) {
            if (c.run != null || c.held || c.removed || c.gone || waitsForWave(c)) {
                continue;                          // started or stopped on demand meanwhile, or left to a strategy restart
            }
            startRun(c, out);
            Duration timeout = c.options().startTimeout();
            if (timeout != null && c.run != null) {
                Run awaited = c.run;
                awaitingReady = c;
                readyTimer = schedule(timeout, () -> readyTimedOut(awaited), out);
                return;
            }
        }
        starting = false;
        phaseChanged.signalAll();
        if (host instanceof ChildHost h) {
            out.add(() -> h.parent().runReady(h.run()));   // a child supervisor is ready once it has started
        }
    }

    /** A run signalled ready (its own thread, or a child supervisor whose start is over). */
    void runReady(Run run) {
        Outbox out = new Outbox();
        lock.lock();
        try {
            if (run.child == awaitingReady && run.child.run == run && phase == Phase.RUNNING) {
                Child next = run.child.nextInTable;
                stopAwaiting(out);
                continueStart(next, out);
            }
        } finally {
            unlock();
        }
        out.run();
    }

    private void readyTimedOut(Run awaited) {
        Outbox out = new Outbox();
        lock.lock();
        try {
            if (awaited.child == awaitingReady && awaited.child.run == awaited && phase == Phase.RUNNING) {
                Duration timeout = awaited.child.options().startTimeout();
                failStart(awaited.child, "it did not signal ready within " + timeout,
                        new java.util.concurrent.TimeoutException("no ready signal within " + timeout), out);
            }
        } finally {
            unlock();
        }
        out.run();
    }

    /** The awaited child did not become ready: stop what was started and terminate. */
    private void failStart(Child child, String why, Throwable cause, Outbox out) {
        beginShutdown(new StartFailedException(name(), child.name(), why, cause), out);
    }

    private void stopAwaiting(Outbox out) {
        awaitingReady = null;
        if (readyTimer != null) {
            terminateIfFatal(Timers.cancel(readyTimer), out);
            readyTimer = null;
        }
    }

    private void startRun(Child child, Outbox out) {
        Run run = newRun(child, out);
        if (run != null) {
            launch(run, out);
        }
    }

    /**
     * A child's next run, its thread made but not started, nothing emitted; null if the thread
     * factory failed, and then the supervisor terminates with that failure (a fatal JVM error as
     * itself, so that it passes up; anything else wrapped): it cannot run its children. Terminates
     * after the lock is released: callers may be iterating the children.
     */
    private Run newRun(Child child, Outbox out) {
        Run run = new Run(child, child.everStarted ? child.restarts + 1 : 0);
        if (subOf(child) != null) {
            return run;
        }
        try {
            run.thread = newThread(run);
            return run;
        } catch (Throwable t) {
            Throwable cause = Outcome.isFatal(t) ? t : new IllegalStateException("supervisor \"" + name()
                    + "\" could not create a thread for \"" + child.name() + "\"", t);
            out.add(() -> terminate(cause));
            return null;
        }
    }

    /** Attaches a run made by {@link #newRun} to its child and starts it after the lock. */
    private void launch(Run run, Outbox out) {
        Child child = run.child;
        if (child.options().backoff() != null) {
            terminateIfFatal(backoffOf(child).runStarted(now(out)), out);   // a run that lasts resets the child's own backoff
        }
        child.restarts = run.restarts;
        attach(child, run, run.restarts);
        SupervisorCore sub = subOf(child);
        if (sub != null) {
            out.add(() -> sub.beginAsChildOf(run));
        } else {
            out.add(() -> startThread(run));   // after the lock: a start can block on the JDK's own locks
        }
    }

    /**
     * Starts a run's thread; a stop request that came first is delivered again, to the live thread.
     * A start that throws (an OutOfMemoryError: no native thread; a thread a factory started behind
     * our back) ends the run with that failure, unless the thread entered the body after all: a
     * fatal error as itself (the supervisor terminates), anything else as an ordinary failure.
     */
    private static void startThread(Run run) {
        try {
            run.thread.start();
        } catch (Throwable t) {
            if (run.claim()) {         // its body never runs now: this failure is its end
                run.endThrown = Outcome.isFatal(t) ? t : new IllegalStateException("supervisor \""
                        + run.child.owner.name() + "\" could not start the thread of \"" + run.child.name() + "\"", t);
                run.child.owner.startFailed(run);    // from an outbox: no lock is held
            }
            return;
        }
        if (run.stopRequested) {
            run.interruptThread();
        }
    }

    private void attach(Child child, Run run, int restarts) {
        child.everStarted = true;
        child.run = run;
        emit(new ServiceStarted(name(), child.name(), restarts), child);
    }

    /**
     * The thread of a leaf run. A thread factory is user code: it must return a new, unstarted
     * thread that runs the Runnable it was given. What can be checked here is checked (null, a
     * thread already started or ended); a thread that never calls the Runnable is found at its
     * stop request ({@link #endedUnserved}).
     */
    private Thread newThread(Run run) {
        ThreadFactory factory = config.threadFactory();
        if (factory == null) {
            return virtualThreads.name(name() + "/" + run.child.name()).unstarted(run);
        }
        Thread thread = factory.newThread(run);
        if (thread == null) {
            throw new IllegalStateException("threadFactory returned null");
        }
        Thread.State state = thread.getState();
        if (state != Thread.State.NEW) {
            throw new IllegalStateException("threadFactory returned a thread that is not new but " + state);
        }
        return thread;
    }

    /** A leaf run's thread is done with the service: queue its end, combine if nobody does. */
    void leafRunEnded(Run run) {
        queueEnd(run);
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
            // The flag is released before the restarts start, not after: a new run that fails at
            // once (often on the other carrier) combines its own end rather than finding the flag
            // still held by this thread's tail. Measured on a prototype, bench workload 1 (10
            // processes each, interleaved): p50 0.94 -> 0.81 us, p99 10.9 -> 2.1 us (medians).
            combining.set(false);
            // An end queued after the last poll but before the flag cleared has no combiner yet.
            boolean more = endedRuns != null && combining.compareAndSet(false, true);
            lastOutboxOf = Thread.currentThread();   // a start that fails in it only queues its end
            try {
                out.run();    // restarts first: the listener's drainer must not delay them
            } finally {
                lastOutboxOf = null;
            }
            signal(toSignal);
            // Ends so queued: combined here, in this loop, not by recursion in the outbox.
            if (!more && (endedRuns == null || !combining.compareAndSet(false, true))) {
                return;
            }
        }
    }

    /** Pushes a run's end on the stack of ended runs, for whichever thread combines next. */
    private void queueEnd(Run run) {
        Run head;
        do {
            head = endedRuns;
            run.nextEnded = head;
        } while (!ENDED.compareAndSet(this, head, run));
    }

    /** A run whose thread could not start ended: queued, and combined unless that would recurse. */
    private void startFailed(Run run) {
        if (lastOutboxOf == Thread.currentThread()) {
            queueEnd(run);   // the combiner running this outbox takes it when the outbox is done
            return;
        }
        leafRunEnded(run);
    }

    /** Takes every queued end at once (one atomic swap, not one per run) and processes them in order. */
    private void processEndedRuns(Outbox out) {
        Run newest = (Run) ENDED.getAndSet(this, null);
        if (newest == null) {
            return;
        }
        if (newest.nextEnded == null) {     // the usual case outside mass stops: one end
            processEnd(newest, out);
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
            processEnd(newestFirst.get(i), out);
        }
    }

    /**
     * One queued end. The ends of a batch were taken off the stack together: should processing one
     * throw (a bug: user code is guarded where it is called), the others must still be processed,
     * or their children would wait forever; and the combiner must go on. So it is logged, as the
     * outbox logs its failures, and the batch goes on.
     */
    private void processEnd(Run run, Outbox out) {
        try {
            onRunEnded(run, run.endThrown, out);
        } catch (Throwable t) {
            LOG.log(System.Logger.Level.ERROR, "internal supervisor action failed: the end of " + run.child, t);
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
            terminateIfFatal(run.deadline.runGone(), out);
        }
        if (run.abandoned) {        // its end was already reported as ServiceStopTimeout
            abandoned.remove(run);
            if (Outcome.isFatal(thrown)) {
                fatalArrived(thrown, out);
            }
            return;
        }
        Child child = run.child;
        Child nextToStart = child == awaitingReady ? child.nextInTable : null;   // before afterStop may unlink it
        detach(child);
        if (run.stopRequested) {
            emit(new ServiceStopped(name(), child.name()), child);
            afterStop(child, out);
            if (Outcome.isFatal(thrown)) {   // a stopped run is not a failure, but a broken JVM still ends the tree
                beginShutdown(thrown, out);
            }
            if (child == awaitingReady) {    // stopped on demand or removed during the start: go on without it
                stopAwaiting(out);
                continueStart(nextToStart, out);
            }
        } else if (child == awaitingReady && failsTheStart(thrown)) {
            child.lastFailure = thrown;
            emitFailed(child, new ServiceFailed(name(), child.name(), thrown, currentFailures(out), threshold(), false),
                    FailureAction.TERMINATE);        // a failed start terminates the supervisor
            child.markWaiting();
            failStart(child, thrown == null ? "it returned before it signalled ready"
                    : "it failed before it signalled ready: " + thrown, thrown, out);
        } else {
            decide(child, Outcome.of(thrown), out);
        }
        settleBatches(out);
    }

    /**
     * Whether the end of the awaited run, before its ready signal, fails the start: any end but a
     * fatal error or TerminateTreeException, which terminate the supervisor as they always do.
     */
    private static boolean failsTheStart(Throwable thrown) {
        Outcome.Kind kind = Outcome.of(thrown).kind();
        return kind != Outcome.Kind.FATAL && kind != Outcome.Kind.TERMINATE_TREE;
    }

    /** What to do with a child whose run ended on its own (API.md's table). */
    private void decide(Child child, Outcome outcome, Outbox out) {
        Restart restart = child.restart();
        switch (outcome.kind()) {
            case FATAL, TERMINATE_TREE -> {
                child.lastFailure = outcome.thrown();
                emitFailed(child, new ServiceFailed(name(), child.name(), outcome.thrown(), currentFailures(out),
                        threshold(), false), FailureAction.TERMINATE);
                beginShutdown(outcome.decisive(), out);
            }
            case DO_NOT_RESTART -> complete(child, out);
            case RETURNED -> {
                if (restart == Restart.PERMANENT) {
                    countedFailure(child, null, out);
                } else {
                    complete(child, out);
                }
            }
            case FAILED -> {
                child.lastFailure = outcome.thrown();
                if (restart == Restart.TEMPORARY) {
                    emitFailed(child, new ServiceFailed(name(), child.name(), outcome.thrown(), currentFailures(out),
                            threshold(), false), FailureAction.REMOVE);
                    drop(child, out);
                    completedOnItsOwn(child, out);
                } else {
                    countedFailure(child, outcome.thrown(), out);
                }
            }
        }
    }

    private void complete(Child child, Outbox out) {
        emit(new ServiceCompleted(name(), child.name()), child);
        drop(child, out);
        completedOnItsOwn(child, out);
    }

    /**
     * A child ended on its own and is not restarted: if it is significant, the supervisor may
     * shut itself down, cleanly (API: AutoShutdown). One boolean check for other children.
     */
    private void completedOnItsOwn(Child child, Outbox out) {
        if (!child.options().significant() || phase != Phase.RUNNING) {
            return;
        }
        if (config.autoShutdown() == AutoShutdown.ALL_SIGNIFICANT) {
            for (Child c : children) {
                if (c.options().significant() && !c.held && !c.removed) {
                    return;                        // another significant child is still active
                }
            }
        }
        beginShutdown(null, out);
    }

    private void countedFailure(Child child, Throwable cause, Outbox out) {
        long now = now(out);
        double count = failures.record(now);
        if (phase != Phase.RUNNING) {        // stopping: nothing restarts
            emitFailed(child, new ServiceFailed(name(), child.name(), cause, count, threshold(), false), FailureAction.STOP);
            afterStop(child, out);
            return;
        }
        if (intensity != null && intensity.exceededBy(now)) {
            giveUp(child, cause, count, out);
            return;
        }
        Throwable fatal = failures.exceeded(count) ? startBackoff(now, out) : null;
        if (fatal != null) {                 // the jitter threw a fatal error: report the failure, then terminate
            emitFailed(child, new ServiceFailed(name(), child.name(), cause, count, threshold(), false),
                    FailureAction.TERMINATE);
            beginShutdown(fatal, out);
            return;
        }
        boolean ownWait = child.options().backoff() != null && startOwnBackoff(child, now, out);
        List<Child> siblings = Wave.siblingsToRestart(config.strategy(), child, children);
        boolean restarting = !failures.inBackoff() && !ownWait;
        Run next = null;
        if (restarting && siblings.isEmpty()) {
            next = newRun(child, out);       // before the event: a thread factory that fails means no restart
            restarting = next != null;
        }
        FailureAction action = failures.inBackoff() || ownWait ? FailureAction.BACKOFF
                : restarting ? FailureAction.RESTART : FailureAction.TERMINATE;   // no thread: it terminates
        emitFailed(child, new ServiceFailed(name(), child.name(), cause, count, threshold(), restarting), action);
        if (!siblings.isEmpty()) {
            joinWave(child, siblings, out);
        } else if (failures.inBackoff() || ownWait) {
            child.inBackoff = true;
        } else if (next != null) {
            launch(next, out);
        }
    }

    /**
     * The restart intensity is exceeded: this failure restarts nothing, and the supervisor
     * terminates with a {@link RestartIntensityException} (stopping its children in its stop order).
     */
    private void giveUp(Child child, Throwable cause, double count, Outbox out) {
        emitFailed(child, new ServiceFailed(name(), child.name(), cause, count, threshold(), false), FailureAction.TERMINATE);
        child.markWaiting();
        beginShutdown(new RestartIntensityException(name(), config.maxRestarts(), config.restartWindow(), cause), out);
    }

    /** Starts or widens a strategy restart: stop the siblings, then restart all in add order. */
    private void joinWave(Child failed, List<Child> siblings, Outbox out) {
        if (wave == null) {
            wave = new Wave(config.stopOrder());
        }
        wave.join(failed, siblings).forEach(c -> drop(c, out));
    }

    /** Checks whether a strategy restart or the supervisor's own stop can move on. */
    private void settleBatches(Outbox out) {
        if (wave != null && wave.batch.advance(stopRequester, out)) {
            Wave done = wave;
            wave = null;
            for (Child c : children) {
                if (done.restarts(c) && phase == Phase.RUNNING) {
                    if (failures.inBackoff() || inOwnBackoff(c)) {
                        c.inBackoff = true;
                    } else {
                        startRun(c, out);
                    }
                }
            }
        }
        if (shutdown != null && shutdown.advance(stopRequester, out)) {
            shutdown = null;
            finishRun(out);
        }
    }

    /**
     * Asks runs to stop: flags, onStop actions, interrupts (or, for child supervisors, their own
     * stop), then one shared timer per distinct shutdown timeout. A zero timeout abandons a run at
     * once: it cannot have ended while this lock is held.
     */
    private void requestStops(List<Run> runs, Outbox out) {
        StopDeadlines deadlines = new StopDeadlines();
        List<Run> toInterrupt = new ArrayList<>(runs.size());
        for (Run run : runs) {
            if (run == null || run.stopRequested || run.ended) {
                continue;
            }
            run.stopRequested = true;
            SupervisorCore sub = run.sub();
            if (sub != null) {
                out.add(() -> sub.stopAsChild(run));
            } else {
                List<Runnable> actions = run.requestStop();
                if (actions != null) {
                    out.add(() -> run.startOnStopActions(actions));   // before the interrupts below
                }
                if (endedUnserved(run)) {
                    out.add(() -> leafRunEnded(run));   // its end, processed as any other, after the lock
                    continue;                           // nothing to wait for
                }
                toInterrupt.add(run);
            }
            deadlines.add(run, shutdownTimeoutOf(run.child));
        }
        if (!toInterrupt.isEmpty()) {
            out.add(() -> interrupt(toInterrupt));   // after the lock: an interrupt takes the target's monitor
        }
        List<Run> untimed = new ArrayList<>();
        deadlines.forEachTimer((timeout, deadline) -> {
            deadline.timer = schedule(timeout, () -> deadlineExpired(deadline), out);
            if (deadline.timer == null) {        // the clock cannot time them: due now, as for a zero timeout
                untimed.addAll(deadline.runs);
            }
        });
        deadlines.dueNow().forEach(run -> abandon(run, out));
        untimed.forEach(run -> abandon(run, out));
    }

    /**
     * Whether a leaf run's thread, made by the user's thread factory, ended without ever calling
     * its Runnable (a factory that wraps it and forgets to call it): such a run would otherwise be
     * waited for until its deadline and listed as unstopped although nothing runs. If so, claims it
     * and gives it its end. Cannot be seen before a stop request without watching every thread.
     */
    private boolean endedUnserved(Run run) {
        if (config.threadFactory() == null || run.claimed()) {
            return false;
        }
        Thread.State state;
        try {
            state = run.thread.getState();       // a Thread subclass may override it: user code
        } catch (Throwable t) {
            return false;
        }
        if (state != Thread.State.TERMINATED || !run.claim()) {
            return false;
        }
        run.endThrown = new IllegalStateException("the thread that supervisor \"" + name() + "\"'s threadFactory made for \""
                + run.child.name() + "\" ended without running it");
        return true;
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
            return;
        }
        try {
            Thread.ofVirtual().name(name() + "/stop").start(() -> runs.forEach(Run::interruptThread));
        } catch (Throwable noThread) {         // an OutOfMemoryError: the interrupts must still happen
            runs.forEach(Run::interruptThread);
        }
    }

    private void deadlineExpired(Deadline deadline) {
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
        Child nextToStart = child == awaitingReady ? child.nextInTable : null;
        detach(child);
        emit(new ServiceStopTimeout(name(), child.name()), child);
        afterStop(child, out);
        if (child == awaitingReady) {
            stopAwaiting(out);
            continueStart(nextToStart, out);
        }
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

    /**
     * A child's run is gone after a stop request: removed children go (TEMPORARY ones too, unless
     * restarted on demand), a child restarted on demand starts again, the others wait.
     */
    private void afterStop(Child child, Outbox out) {
        if (child.removed || (child.restart() == Restart.TEMPORARY && !child.restartRequested)) {
            drop(child, out);
            return;
        }
        child.markWaiting();
        if (child.restartRequested) {
            child.restartRequested = false;
            if (phase == Phase.RUNNING && !waitsForWave(child)) {
                startRun(child, out);
            }
        }
    }

    /** Whether a strategy restart in progress will start {@code child} when it is over. */
    private boolean waitsForWave(Child child) {
        return wave != null && wave.includes(child);
    }

    private void drop(Child child, Outbox out) {
        if (!child.gone) {
            if (childBackoffs != null) {
                ChildBackoff own = childBackoffs.remove(child);
                if (own != null) {
                    terminateIfFatal(own.cancel(), out);
                }
            }
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
        if (subOf(child) != null) {
            retiredSubs.removeIf(c -> !hasUnstopped(c));
            if (hasUnstopped(child)) {
                retiredSubs.add(child);
            }
        }
    }

    private static boolean hasUnstopped(Child subChild) {
        return !subOf(subChild).unstoppedBelow(List.of()).isEmpty();
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
            drop(child, out);
        } else {
            requestStops(List.of(child.run), out);
            settleBatches(out);
        }
        return true;
    }

    /**
     * Enters a backoff; {@code now} is the failure's clock reading (one reading per failure). The
     * jitter and the clock are user code called under the lock (see the class comment): a fatal
     * error from the jitter is returned, nothing begun, for the caller to terminate with; a clock
     * that cannot schedule the backoff's end terminates the supervisor (see {@link #schedule}).
     */
    private Throwable startBackoff(long now, Outbox out) {
        Duration delay;
        try {
            delay = failures.begin(now);
        } catch (VirtualMachineError fatal) {   // FailurePolicy lets only fatal errors out of the jitter
            return fatal;
        }
        long generation = failures.generation();
        failures.armed(schedule(delay, () -> backoffExpired(generation), out));
        emit(new BackoffStarted(name(), delay), backoffKey);
        return null;
    }

    /**
     * A child with its own backoff failed at {@code now}: schedules the end of its wait. Returns
     * true (the child waits), so that the caller reads as a condition.
     */
    private boolean startOwnBackoff(Child child, long now, Outbox out) {
        ChildBackoff b = backoffOf(child);
        Duration delay = b.next(now);
        long generation = b.generation();
        b.armed(schedule(delay, () -> ownBackoffExpired(child, generation), out));
        return true;
    }

    private void ownBackoffExpired(Child child, long generation) {
        Outbox out = new Outbox();
        lock.lock();
        try {
            ChildBackoff b = childBackoffs == null ? null : childBackoffs.get(child);
            if (b == null || !b.isCurrent(generation) || phase != Phase.RUNNING) {
                return;
            }
            // Still waiting for the supervisor's backoff or a strategy restart: whichever ends last starts it.
            if (child.run == null && !child.gone && !child.removed && !child.held
                    && !failures.inBackoff() && !waitsForWave(child)) {
                startRun(child, out);
            }
        } finally {
            unlock();
        }
        out.run();
    }

    /** The own backoff of a child whose spec has one, made on first use. */
    private ChildBackoff backoffOf(Child child) {
        if (childBackoffs == null) {
            childBackoffs = new java.util.IdentityHashMap<>();
        }
        return childBackoffs.computeIfAbsent(child, c -> new ChildBackoff(c.options().backoff()));
    }

    /** Whether {@code child} waits for its own backoff; one null check for a supervisor without any. */
    private boolean inOwnBackoff(Child child) {
        if (childBackoffs == null) {
            return false;
        }
        ChildBackoff b = childBackoffs.get(child);
        return b != null && b.waiting();
    }

    private void cancelOwnBackoff(Child child, Outbox out) {
        if (childBackoffs != null) {
            ChildBackoff b = childBackoffs.get(child);
            if (b != null) {
                terminateIfFatal(b.cancel(), out);
            }
        }
    }

    private void backoffExpired(long generation) {
        Outbox out = new Outbox();
        lock.lock();
        try {
            if (!failures.isCurrent(generation) || phase != Phase.RUNNING) {
                return;
            }
            terminateIfFatal(failures.end(), out);
            emit(new BackoffEnded(name()), backoffKey);
            for (Child c : children) {
                if (c.run == null && c.inBackoff && !c.removed && !inOwnBackoff(c)) {
                    startRun(c, out);
                }
            }
        } finally {
            unlock();
        }
        out.run();
    }

    /**
     * Stops every child, then terminates. {@code cause} is null for a stop, or the
     * TerminateTreeException / fatal error / RestartIntensityException that terminates the supervisor. A fatal error that
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
        starting = false;
        stopAwaiting(out);
        terminateIfFatal(failures.cutShort(), out);
        if (childBackoffs != null) {
            childBackoffs.values().forEach(b -> terminateIfFatal(b.cancel(), out));
        }
        wave = null;                           // nothing restarts any more
        shutdown = new StopBatch(config.stopOrder());
        for (Child c : children) {
            if (c.run != null) {
                shutdown.add(c);
            }
        }
        if (config.shutdownDeadline() != null) {
            StopBatch batch = shutdown;
            shutdownTimer = schedule(config.shutdownDeadline(), () -> shutdownDeadlinePassed(batch), out);
        }
        phaseChanged.signalAll();
        settleBatches(out);
    }

    /**
     * The shutdown's deadline passed with runs still going: ask every member not yet asked, and
     * abandon every run still going, so that the shutdown ends now.
     */
    private void shutdownDeadlinePassed(StopBatch batch) {
        Outbox out = new Outbox();
        lock.lock();
        try {
            processEndedRuns(out);        // runs whose end waits in the queue did stop in time
            if (shutdown != batch) {
                return;
            }
            List<Run> live = new ArrayList<>();
            for (Child c : children) {
                if (c.batch == batch && c.run != null) {
                    live.add(c.run);
                }
            }
            requestStops(live, out);      // the ones a REVERSE stop had not reached yet
            for (Run run : live) {
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

    /**
     * Terminates with {@code cause} (from an outbox: user code failed under the lock). A fatal
     * error is never dropped ({@link #fatalArrived}); another cause that finds the supervisor
     * already stopping or terminated is only logged: the run is ending anyway.
     */
    private void terminate(Throwable cause) {
        Outbox out = new Outbox();
        lock.lock();
        try {
            if (Outcome.isFatal(cause)) {
                fatalArrived(cause, out);
            } else if (phase == Phase.RUNNING) {
                beginShutdown(cause, out);
            } else {
                LOG.log(System.Logger.Level.WARNING, "supervisor \"" + name() + "\" was already "
                        + phase.name().toLowerCase(java.util.Locale.ROOT) + "; not terminated again by", cause);
            }
        } finally {
            unlock();
        }
        out.run();
    }

    /** Every child's run is gone: terminate this run of the supervisor and tell its host. */
    private void finishRun(Outbox out) {
        phase = Phase.TERMINATED;
        if (shutdownTimer != null) {
            terminateIfFatal(Timers.cancel(shutdownTimer), out);
            shutdownTimer = null;
        }
        children.removeIf(c -> {
            c.markWaiting();
            boolean temporary = c.restart() == Restart.TEMPORARY || c.removed;
            if (temporary) {
                c.gone = true;
                retire(c);
            }
            return temporary;
        });
        lastReport = new StopReport(unstopped(List.of(name())));
        emit(new SupervisorTerminated(name(), terminationCause), backoffKey);   // never dropped; closes a cut-short backoff
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

    /**
     * What this run's end means to whoever ran it (API.md: propagation rules). Besides a
     * TerminateTreeException, a cause is a fatal error (it passes up as itself) or the failure of
     * user code it relies on (its thread factory or clock): then it ends as a failure with that
     * cause, which its parent handles like any failure of a child.
     */
    private Throwable outcomeForHost() {
        Throwable cause = terminationCause;
        if (cause != null && !(cause instanceof TerminateTreeException)) {
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
            if (subOf(c) != null) {
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
            SupervisorCore sub = subOf(subChild);
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

    /**
     * Records an event of the locked section in progress; {@link #unlock()} publishes the section's
     * events together, so a listener never sees an event before every effect of the section that
     * emitted it (a timer it scheduled, a child it started) is in place.
     */
    private void emit(SupervisorEvent event, EventChannel.SpanKey key) {
        record(event, key, null);
    }

    private void emitFailed(Child child, ServiceFailed event, FailureAction action) {
        record(event, child, action);
    }

    private void record(SupervisorEvent event, EventChannel.SpanKey key, FailureAction action) {
        totals.count(event);
        if (sectionTime == null && wantsContext()) {
            sectionTime = wallTime();   // one reading per section, not per event; none for a plain listener
        }
        unpublished.add(event, key, sectionTime, path, action);
        JfrEvents.record(event, path, action);
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

    /** Whether this run's listener reads event contexts (a plain {@code onEvent} consumer does not). */
    private boolean wantsContext() {
        EventChannel c = channel;
        return c != null && c.wantsContext();
    }

    /** The channel of a root that set no listener: the default logging, made once. */
    private EventChannel defaultChannel() {
        if (defaultChannel == null) {
            defaultChannel = new EventChannel(EventListener.logging(), channelOwner, config.eventBuffer());
        }
        return defaultChannel;
    }

    private static List<String> append(List<String> parentPath, String name) {
        List<String> path = new ArrayList<>(parentPath.size() + 1);
        path.addAll(parentPath);
        path.add(name);
        return List.copyOf(path);
    }

    /** The key of this supervisor's backoff events in its channel's drop accounting. */
    private static final class BackoffKey implements EventChannel.SpanKey {
        private boolean startDropped;

        @Override
        public boolean startDropped() {
            return startDropped;
        }

        @Override
        public void startDropped(boolean dropped) {
            startDropped = dropped;
        }
    }

    /** What this supervisor's own channel may ask of it. */
    private final class ChannelOwner implements EventChannel.Owner {
        @Override
        public String name() {
            return config.name();
        }

        @Override
        public EventContext contextNow() {
            List<String> p = path;
            return new EventContext(wallTime(), p == null ? List.of(config.name()) : p,
                    Optional.empty(), Optional.empty());
        }

        @Override
        public void listenerFailedFatally(Throwable error) {
            fatalOutsideRuns(error);   // a broken JVM ends the tree, as when a run throws it
        }
    }

    /**
     * Waits, in real time and at most {@code eventFlushTimeout}, until the events of this tree's
     * last runs have reached their listeners, so that a program that stops and exits loses none.
     * Called without any lock; a listener that calls {@code stop()} does not wait for itself.
     */
    private void flushEvents() throws InterruptedException {
        long deadline = System.nanoTime() + SystemClock.saturatedNanos(config.eventFlushTimeout());
        for (EventChannel c : channelsOfTree()) {
            if (!c.awaitDelivered(deadline - System.nanoTime())) {
                return;
            }
        }
    }

    private void flushEventsQuietly() {
        try {
            flushEvents();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The channels of this supervisor's last run and of every child supervisor's, deepest last. */
    private Set<EventChannel> channelsOfTree() {
        Set<EventChannel> channels = new LinkedHashSet<>();
        List<SupervisorCore> toVisit = new ArrayList<>(List.of(this));
        for (int i = 0; i < toVisit.size(); i++) {
            SupervisorCore s = toVisit.get(i);
            s.lock.lock();
            try {
                if (s.channel != null) {
                    channels.add(s.channel);
                }
                for (Child c : s.children) {
                    SupervisorCore sub = subOf(c);
                    if (sub != null) {
                        toVisit.add(sub);
                    }
                }
            } finally {
                s.unlock();
            }
        }
        return channels;
    }

    /** Pushes this section's events; returns the channel if the caller must signal its drainer. */
    private EventChannel publish() {
        sectionTime = null;
        EventChannel c = channel;
        if (c == null) {
            unpublished.clear();
            return null;
        }
        return c.publish(unpublished) ? c : null;
    }

    private double currentFailures(Outbox out) {
        return failures.current(now(out));
    }

    private double threshold() {
        return config.failureThreshold();
    }

    private Duration shutdownTimeoutOf(Child child) {
        Duration own = child.shutdownTimeout();
        return own != null ? own : config.shutdownTimeout();
    }

    // ---------------------------------------------------------------- user code under the lock (RELIABILITY.md §6)

    /**
     * The clock's time, read for a failure. A read that throws is a clock that cannot measure
     * decay: the supervisor terminates with it ({@link #userCodeFailed}) and, for the failure at
     * hand, time stands still at the last good reading. A reading before the last one is used as
     * is: {@link FailureCounter} counts it as no time elapsed.
     */
    private long now(Outbox out) {
        try {
            return lastNow = config.clock().nanoTime();
        } catch (Throwable t) {
            terminateLater(userCodeFailed("its clock's nanoTime()", t), out);
            return lastNow;
        }
    }

    /**
     * The clock's wall time, for event timestamps only: best effort. A clock whose {@code instant()}
     * throws (anything) or returns null gets the system's time instead, with a warning; nothing
     * else depends on it, so it never terminates the supervisor.
     */
    private Instant wallTime() {
        try {
            Instant t = config.clock().instant();
            if (t != null) {
                return t;
            }
            LOG.log(System.Logger.Level.WARNING, "supervisor \"" + name() + "\": its clock's instant() returned null");
        } catch (Throwable t) {
            LOG.log(System.Logger.Level.WARNING, "supervisor \"" + name() + "\": its clock's instant() threw", t);
        }
        return Instant.now();
    }

    /**
     * Schedules a timer on the clock ({@link Timers}: a null handle and inline runs are taken care
     * of there). A clock that throws cannot time backoffs or shutdowns: the supervisor terminates
     * with its failure, and this returns null, for the caller to do without the timer.
     */
    private Cancellable schedule(Duration delay, Runnable task, Outbox out) {
        try {
            return Timers.schedule(config.clock(), delay, task, out);
        } catch (Throwable t) {
            terminateLater(userCodeFailed("its clock's schedule()", t), out);
            return null;
        }
    }

    /** The cause a supervisor terminates with when user code it relies on fails: a fatal error as itself, so it passes up. */
    private Throwable userCodeFailed(String what, Throwable t) {
        return Outcome.isFatal(t) ? t : new IllegalStateException("supervisor \"" + name() + "\": " + what + " threw", t);
    }

    /**
     * Terminates after the lock is released: the caller may be in the middle of a pass over the
     * children or a batch. A fatal error while stopping is recorded at once: that only sets the
     * cause, safe anywhere, and the stop may finish in this very section.
     */
    private void terminateLater(Throwable cause, Outbox out) {
        if (phase == Phase.STOPPING && Outcome.isFatal(cause)) {
            beginShutdown(cause, out);
            return;
        }
        out.add(() -> terminate(cause));
    }

    private void terminateIfFatal(Throwable fatalOrNull, Outbox out) {
        if (fatalOrNull != null) {
            terminateLater(fatalOrNull, out);
        }
    }

    /**
     * A fatal JVM error from outside the runs (an onStop action, a thread's interrupt): the JVM is
     * broken, so the supervisor terminates with it as for a run that throws one after its stop
     * request. Called outside every lock, from any thread.
     */
    void fatalOutsideRuns(Throwable fatal) {
        Outbox out = new Outbox();
        lock.lock();
        try {
            fatalArrived(fatal, out);
        } finally {
            unlock();
        }
        out.run();
    }

    /**
     * A fatal error reached this supervisor. Running or stopping, it terminates with it (the error
     * beats a stop as the cause). Once its run is over the error cannot end that run any more: it
     * goes to the parent, which terminates in turn, so a broken JVM still reaches the root; at a
     * terminated root it is only logged (its {@code run()} has returned).
     */
    private void fatalArrived(Throwable fatal, Outbox out) {
        if (phase == Phase.RUNNING || phase == Phase.STOPPING) {
            beginShutdown(fatal, out);
            return;
        }
        SupervisorCore up = parent;
        if (up != null) {
            out.add(() -> up.fatalOutsideRuns(fatal));
        } else {
            LOG.log(System.Logger.Level.ERROR, "supervisor \"" + name() + "\" had terminated when a fatal error arrived", fatal);
        }
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
        SupervisorCore parentSupervisor = run.child.owner;
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

    private record ChildHost(SupervisorCore parent, Run run) implements Host {
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
    private void bindAsParentOf(SupervisorCore sub, String childName) {
        if (sub == this) {
            throw new IllegalArgumentException("supervisor \"" + name() + "\" cannot be its own child (\"" + childName + "\")");
        }
        bindAsParentOf(sub, this);
    }

    private static void bindAsParentOf(SupervisorCore sub, SupervisorCore newParent) {
        BINDING.lock();
        try {
            for (SupervisorCore p = newParent; p != null; p = p.parent) {
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

    private static void unbind(SupervisorCore sub) {
        BINDING.lock();
        try {
            sub.parent = null;
        } finally {
            BINDING.unlock();
        }
    }

    private Child ownChild(ServiceRef ref) {
        if (!(ref instanceof Child child) || child.owner != this) {
            String what = ref instanceof Child ? ref.toString()
                    : "ServiceRef " + foreignName(ref) + " (" + ref.getClass().getName() + ", not made by a supervisor)";
            throw new IllegalArgumentException(what + " is not a child of supervisor \"" + name() + "\"");
        }
        return child;
    }

    /**
     * The name of a ref Arbor did not make, for a message: its {@code name()} is user code, on the
     * caller's thread with no lock held. If it throws, the message says so and the call still
     * throws IllegalArgumentException; a fatal error is the caller's.
     */
    private static String foreignName(ServiceRef ref) {
        try {
            return "\"" + ref.name() + "\"";
        } catch (Throwable t) {
            if (Outcome.isFatal(t)) {
                throw t;
            }
            return "(its name() threw " + t.getClass().getName() + ")";
        }
    }

    /**
     * A call that waits for this supervisor must not come from user code that runs under its lock
     * (its jitter, thread factory or clock, on the thread in the middle of a locked section): the
     * wait would release the lock halfway through that section and wait for work this very thread
     * has to finish.
     */
    private void refuseWaitUnderOwnLock(String call) {
        if (lock.isHeldByCurrentThread()) {
            throw new IllegalStateException(call + " of supervisor \"" + name()
                    + "\" called from its own jitter, thread factory or clock, which run under its lock: it would wait for itself");
        }
    }

    private static Exception asException(Throwable t) {
        if (t instanceof Error e) {
            throw e;
        }
        if (t instanceof Exception e) {
            return e;
        }
        return new IllegalStateException("a Throwable that is neither an Exception nor an Error", t);
    }
}
