package dev.arbor;

import dev.arbor.internal.ProcessControl;

import dev.arbor.internal.Outcome;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs a root {@link Supervisor} as the process's main job, for a JVM that systemd, Kubernetes or
 * a terminal runs: it keeps the process up while the tree runs, stops the tree in order on
 * {@code SIGTERM} or Ctrl-C ({@code SIGINT}) within a grace period, logs the {@link StopReport},
 * and ends the JVM with an exit status that says how the tree ended.
 *
 * {@snippet :
 * public static void main(String[] args) {
 *     Supervisor root = Supervisor.builder("orders").build();
 *     root.add("consumer", ctx -> { while (!ctx.isStopping()) handle(queue.take()); });
 *     SupervisorProcess.builder(root)
 *             .gracePeriod(Duration.ofSeconds(20))   // keep it below systemd's TimeoutStopSec
 *             .build()
 *             .run();                                // returns only by ending the JVM
 * }
 * }
 *
 * <p><b>Exit status</b> (the JVM's, once {@link #run()} ends it):
 * <ul>
 *   <li>{@value #STOPPED} ({@link #STOPPED}): stopped on request and every service stopped. A
 *       request is {@code SIGTERM}, {@code SIGINT}, {@link Supervisor#stop()} called by the
 *       application, or an interrupt of the thread in {@link #run()}.</li>
 *   <li>{@value #TERMINATED} ({@link #TERMINATED}): the tree terminated by itself, for any reason
 *       other than a fatal JVM error: a {@link TerminateTreeException}, restart intensity, or any
 *       other {@link Supervisor#terminationCause()}. {@link Builder#exitStatus} gives chosen causes
 *       their own status.</li>
 *   <li>{@value #FATAL_ERROR} ({@link #FATAL_ERROR}): a fatal JVM error (a
 *       {@link VirtualMachineError} other than {@link StackOverflowError}) terminated the tree.</li>
 *   <li>{@value #UNSTOPPED} ({@link #UNSTOPPED}): stopped on request, but services were left
 *       running: the {@link StopReport} is not clean, or the tree was still stopping when the
 *       grace period ended.</li>
 * </ul>
 * A termination cause decides over a report that is not clean (it is why the process ends; the
 * report is logged all the same). Arbor never exits with 1: that is the JVM's status when
 * {@code main} throws, for example while building the tree, so it stays distinct. Statuses from
 * 126 up mean other things to shells and service managers (128 + n: killed by signal n).
 *
 * <p><b>Shutdown</b>. {@link #run()} registers a JVM shutdown hook. When the JVM begins to shut
 * down (a signal, or {@link System#exit} called anywhere), the hook stops the tree as
 * {@link Supervisor#stop()} does (in order, each child within its shutdown timeout) and waits for
 * it at most the <b>grace period</b>, in real time. If the tree has not stopped by then, it logs
 * the root's children that have not ended (those of child supervisors are not visible from the
 * root) and lets the JVM end anyway: the hook never holds the JVM
 * past the grace period (plus the time to log). Once the JVM's shutdown has begun, the only way to
 * choose the exit status is {@link Runtime#halt}, so the hook ends by halting with the status
 * above; without it the JVM would end with 128 + the signal's number (143 for {@code SIGTERM})
 * whatever happened, and a clean stop would look like a failure. The price of halting: other
 * shutdown hooks, which the JVM runs concurrently with this one in no defined order, are not
 * waited for. Work that must happen at shutdown belongs in the tree (a service, or an
 * {@link ServiceContext#onStop} action), where it happens in order and within the grace period.
 * For the same reason a {@code System.exit(n)} called elsewhere while the tree runs ends the JVM
 * with the status above, not {@code n}: to end the process from inside, call
 * {@link Supervisor#stop()} on the root, or throw a {@link TerminateTreeException} (with a status
 * of its own through {@link Builder#exitStatus}).
 *
 * <p><b>Termination by itself</b>. When the tree terminates without a request, {@link #run()}
 * does not wait for a signal: it logs the cause and the report, removes its hook and calls
 * {@link System#exit} with the status (other shutdown hooks then run normally).
 *
 * <p><b>Logging</b>. Through {@code System.getLogger("dev.arbor")}: the start at INFO, a clean
 * stop at INFO, a termination at ERROR, services left running at WARNING. Logging frameworks stop
 * themselves in their own shutdown hooks ({@code java.util.logging} resets its handlers, Log4j 2
 * stops its context), so what the hook logs may never be written; the hook therefore also writes
 * each of its lines to {@link System#err}, prefixed {@code "arbor: "}.
 *
 * <p><b>Threads</b>. One {@code SupervisorProcess} runs once. {@link #run()} blocks the calling
 * thread, usually {@code main}; the stop runs on a daemon platform thread of its own, so that
 * the waits above are bounded even when the stop itself is not.
 */
public final class SupervisorProcess {
    /** Exit status: stopped on request, every service stopped. */
    public static final int STOPPED = 0;
    /** Exit status: the tree terminated by itself, for any cause but a fatal JVM error. */
    public static final int TERMINATED = 10;
    /** Exit status: a fatal JVM error terminated the tree. */
    public static final int FATAL_ERROR = 11;
    /** Exit status: stopped on request, but services were left running. */
    public static final int UNSTOPPED = 12;

    /** The greatest status {@link Builder#exitStatus} accepts: from 126 up, shells give statuses meanings. */
    static final int MAX_STATUS = 125;
    /** The default grace period: a Kubernetes pod's default 30 s, less a preStop pause and a margin. */
    static final Duration DEFAULT_GRACE_PERIOD = Duration.ofSeconds(20);

    private static final System.Logger LOG = System.getLogger("dev.arbor");
    private static final int MAX_CAUSE_DEPTH = 128;
    private static final int UNDECIDED = -1;

    /** Who ends the JVM: nobody yet, the thread in {@link #run()}, or the shutdown hook. */
    private static final int NOBODY = 0;
    private static final int RUN_THREAD = 1;
    private static final int HOOK = 2;

    private final Supervisor root;
    private final Duration gracePeriod;
    private final List<CauseStatus> causeStatuses;
    private final ProcessControl control;
    private final AtomicInteger owner = new AtomicInteger(NOBODY);
    private final CompletableFuture<Integer> runThreadStatus = new CompletableFuture<>();
    private final Thread hook;
    private final AtomicBoolean ran = new AtomicBoolean();

    private SupervisorProcess(Builder b) {
        this.root = b.root;
        this.gracePeriod = b.gracePeriod;
        this.causeStatuses = List.copyOf(b.causeStatuses);
        this.control = b.control;
        this.hook = new Thread(this::onShutdown, root.name() + "/shutdown-hook");
    }

    /**
     * A builder for a process that runs {@code root}.
     *
     * @param root the tree to run: a supervisor that was never started and is no other's child
     * @return a new builder with a grace period of 20 s
     * @throws NullPointerException if root is null
     */
    public static Builder builder(Supervisor root) {
        return new Builder(root);
    }

    /**
     * Runs {@code root} with every default, as {@code builder(root).build().run()}: returns only by
     * ending the JVM.
     *
     * @param root the tree to run: a supervisor that was never started and is no other's child
     * @throws NullPointerException  if root is null
     * @throws IllegalStateException as {@link #run()}
     */
    public static void run(Supervisor root) {
        builder(root).build().run();
    }

    /**
     * Starts the tree, keeps the calling thread until the tree ends, then ends the JVM with the
     * exit status in the class description; it does not return while the JVM lives. The tree ends
     * by a shutdown of the JVM (a signal: the shutdown hook stops it), by terminating itself, by
     * the application calling {@link Supervisor#stop()}, or by an interrupt of the calling thread,
     * which stops it within the grace period as a signal does.
     *
     * @throws IllegalStateException if this process ran before, or the root cannot start (it was
     *                               started before, or is another supervisor's child); nothing is
     *                               left registered with the JVM then
     */
    public void run() {
        if (!ran.compareAndSet(false, true)) {
            throw new IllegalStateException("the process of \"" + root.name() + "\" ran before; it runs once");
        }
        control.addShutdownHook(hook);
        try {
            root.start();
        } catch (RuntimeException | Error e) {
            if (owner.compareAndSet(NOBODY, RUN_THREAD)) {
                removeHook();
            }
            throw e;
        }
        LOG.log(Level.INFO, () -> root.name() + ": running (pid " + ProcessHandle.current().pid()
                + "); SIGTERM or Ctrl-C stops it within " + gracePeriod);
        boolean interrupted = awaitTreeEnd();
        if (!owner.compareAndSet(NOBODY, RUN_THREAD)) {
            // The JVM is shutting down and the hook stops the tree and halts; in a real JVM this
            // thread ends during the join.
            joinHook();
            return;
        }
        String request = interrupted ? "the thread running it was interrupted" : null;
        int status = stopAndDecide(request, false);
        runThreadStatus.complete(status);
        removeHook();
        control.exit(status);
    }

    // ---------------------------------------------------------------- the two ways to the end

    /** The shutdown hook: stops the tree unless the run thread already did, then halts with the status. */
    private void onShutdown() {
        int status;
        if (owner.compareAndSet(NOBODY, HOOK)) {
            status = stopAndDecide("the JVM is shutting down (SIGTERM, SIGINT or System.exit)", true);
        } else {
            // The run thread decided (or is deciding) first; System.exit from it, or a signal that
            // came while it was stopping the tree, brought us here. Its status is the truth.
            status = awaitRunThreadStatus();
        }
        flushStandardStreams();
        control.halt(status);
    }

    /**
     * Stops the tree within the grace period (at once if it terminated already), logs how it
     * ended, and returns the exit status.
     *
     * @param request why a stop was requested, or null when the tree ended by itself or by stop()
     * @param inHook  whether the JVM is shutting down, so logging may be gone
     */
    private int stopAndDecide(String request, boolean inHook) {
        long began = System.nanoTime();
        if (request != null) {
            say(inHook, Level.INFO, root.name() + ": " + request + "; stopping the tree within " + gracePeriod);
        }
        Optional<StopReport> report = stopWithinGracePeriod();
        Optional<Throwable> cause = root.terminationCause();
        int status = exitStatus(cause, report.map(StopReport::clean).orElse(false), causeStatuses);
        Duration took = Duration.ofNanos(System.nanoTime() - began);
        if (cause.isPresent()) {
            say(inHook, Level.ERROR, root.name() + ": terminated by " + cause.get() + "; exit status " + status);
        }
        if (report.isEmpty()) {
            say(inHook, Level.WARNING, root.name() + ": still stopping after the grace period of " + gracePeriod
                    + "; still running: " + describeRunning(root.health())
                    + "; exit status " + status);
        } else if (!report.get().clean()) {
            say(inHook, Level.WARNING, root.name() + ": stopped" + within(request, took) + ", but left running: "
                    + describe(report.get()) + "; exit status " + status);
        } else if (cause.isEmpty()) {
            say(inHook, Level.INFO, root.name() + ": stopped cleanly" + within(request, took)
                    + "; exit status " + status);
        }
        return status;
    }

    /** The report of the stop, or empty if the tree was still stopping when the grace period ended. */
    private Optional<StopReport> stopWithinGracePeriod() {
        CompletableFuture<StopReport> stopped = new CompletableFuture<>();
        if (root.state() == SupervisorState.TERMINATED) {
            stopped.complete(stopNow());   // returns the report of the end at once
        } else {
            // A platform thread: when children spin on every carrier thread, a virtual one might
            // not get to run before the grace period ends.
            Thread.ofPlatform().daemon().name(root.name() + "/process-stop")
                    .start(() -> stopped.complete(stopNow()));
        }
        long deadline = System.nanoTime() + gracePeriod.toNanos();
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return Optional.of(stopped.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
                } catch (InterruptedException e) {
                    interrupted = true;   // the grace period bounds this wait, not interrupts
                } catch (TimeoutException e) {
                    return Optional.empty();
                } catch (ExecutionException e) {
                    throw new AssertionError("stopNow() completes normally", e);
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** {@link Supervisor#stop()}, retried if interrupted: the stop goes on, and we want its report. */
    private StopReport stopNow() {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return root.stop();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Waits until the tree has terminated; true if the wait was interrupted first (a stop request). */
    private boolean awaitTreeEnd() {
        try {
            while (!root.awaitTermination(Duration.ofDays(1))) {
                // a day at a time: the wait itself is unbounded, as a main job's is
            }
            return false;
        } catch (InterruptedException e) {
            return true;
        }
    }

    private int awaitRunThreadStatus() {
        try {
            // The run thread's own stop is bounded by one grace period; give it that again.
            return runThreadStatus.get(gracePeriod.toNanos() + TimeUnit.SECONDS.toNanos(1), TimeUnit.NANOSECONDS);
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            say(true, Level.WARNING, root.name() + ": the stop begun before the JVM's shutdown did not end in time; "
                    + "exit status " + UNSTOPPED);
            return UNSTOPPED;
        }
    }

    private void joinHook() {
        boolean interrupted = false;
        while (true) {
            try {
                hook.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void removeHook() {
        try {
            control.removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // A signal came after this thread took the decision: the hook halts with its status.
        }
    }

    // ---------------------------------------------------------------- the decision

    /**
     * The exit status for how a tree ended: a termination cause decides (a fatal JVM error first,
     * then the first of {@code causeStatuses} matching a throwable of the cause chain, walking down
     * from the cause, else {@link #TERMINATED}); without one, {@link #STOPPED} if everything
     * stopped, else {@link #UNSTOPPED}.
     */
    static int exitStatus(Optional<Throwable> cause, boolean everythingStopped, List<CauseStatus> causeStatuses) {
        if (cause.isPresent()) {
            return terminationStatus(cause.get(), causeStatuses);
        }
        return everythingStopped ? STOPPED : UNSTOPPED;
    }

    private static int terminationStatus(Throwable cause, List<CauseStatus> causeStatuses) {
        if (Outcome.isFatal(cause)) {
            return FATAL_ERROR;
        }
        Throwable t = cause;
        for (int depth = 0; t != null && depth < MAX_CAUSE_DEPTH; depth++, t = t.getCause()) {
            for (CauseStatus cs : causeStatuses) {
                if (cs.type().isInstance(t)) {
                    return cs.status();
                }
            }
        }
        return TERMINATED;
    }

    /** A status for terminations whose cause chain holds a {@code type}. */
    record CauseStatus(Class<? extends Throwable> type, int status) {
    }

    // ---------------------------------------------------------------- logging

    /** Logs; in the hook also to standard error, which outlives the logging frameworks' own hooks. */
    private static void say(boolean inHook, Level level, String message) {
        LOG.log(level, message);
        if (inHook) {
            System.err.println("arbor: " + message);
        }
    }

    private static void flushStandardStreams() {
        System.out.flush();
        System.err.flush();
    }

    private static String describe(StopReport report) {
        List<String> paths = new ArrayList<>();
        for (UnstoppedService u : report.unstopped()) {
            paths.add(String.join("/", u.path()) + "/" + u.name());
        }
        return paths.toString();
    }

    /**
     * Every leaf of the tree that has not ended (during a stop, an ended child is WAITING), depth
     * first in add order: "app/inner/c (RUNNING)".
     */
    private static String describeRunning(SupervisorHealth health) {
        List<String> names = new ArrayList<>();
        health.forEachChild((path, c) -> {
            if (c.supervisor().isEmpty() && c.state() != ChildState.WAITING) {
                names.add(String.join("/", path) + "/" + c.name() + " (" + c.state() + ")");
            }
        });
        return names.toString();
    }

    /** How long our stop took, when we requested it; otherwise the tree had ended before we looked. */
    private static String within(String request, Duration took) {
        return request == null ? "" : " in " + took.toMillis() + " ms";
    }

    // ---------------------------------------------------------------- builder

    /**
     * Configures a {@link SupervisorProcess}. Not thread-safe; {@link #build()} copies what it holds,
     * so a built process never sees the builder again.
     */
    public static final class Builder {
        private final Supervisor root;
        private Duration gracePeriod = DEFAULT_GRACE_PERIOD;
        private final List<CauseStatus> causeStatuses = new ArrayList<>();
        private ProcessControl control = ProcessControl.JVM;

        private Builder(Supervisor root) {
            this.root = Objects.requireNonNull(root, "root must not be null");
        }

        /**
         * How long a requested stop may take, in real time, before the JVM ends anyway with
         * {@link #UNSTOPPED}. Keep it above what the root's children need to stop (their shutdown
         * timeouts add up in {@link StopOrder#REVERSE} order) and below what the service manager
         * waits before it kills the process (systemd's {@code TimeoutStopSec}, Kubernetes'
         * {@code terminationGracePeriodSeconds} less any {@code preStop} time).
         *
         * @param gracePeriod the bound; zero ends the JVM at once with whatever is still running
         * @return this builder
         * @throws NullPointerException     if gracePeriod is null
         * @throws IllegalArgumentException if gracePeriod is negative
         */
        public Builder gracePeriod(Duration gracePeriod) {
            Objects.requireNonNull(gracePeriod, "gracePeriod must not be null");
            if (gracePeriod.isNegative()) {
                throw new IllegalArgumentException("gracePeriod must be >= 0, was " + gracePeriod);
            }
            this.gracePeriod = gracePeriod;
            return this;
        }

        /**
         * Gives terminations caused by {@code type} their own exit status instead of
         * {@link #TERMINATED}, for example a status listed in systemd's
         * {@code RestartPreventExitStatus} for a termination that a restart cannot cure. The cause
         * chain of {@link Supervisor#terminationCause()} is walked down from the cause; the first
         * throwable that is an instance of a registered type decides, and among types that match one
         * throwable, the one registered first. A fatal JVM error always ends with
         * {@link #FATAL_ERROR}. Registering a type again replaces its status and keeps its place.
         *
         * @param type   the class of cause, for example a subclass of {@link TerminateTreeException}
         * @param status the exit status, from 0 to 125
         * @return this builder
         * @throws NullPointerException     if type is null
         * @throws IllegalArgumentException if status is outside 0..125
         */
        public Builder exitStatus(Class<? extends Throwable> type, int status) {
            Objects.requireNonNull(type, "type must not be null");
            if (status < 0 || status > MAX_STATUS) {
                throw new IllegalArgumentException("status must be within 0.." + MAX_STATUS + ", was " + status
                        + " (from 126 up, statuses mean other things to shells and service managers)");
            }
            CauseStatus entry = new CauseStatus(type, status);
            causeStatuses.replaceAll(cs -> cs.type() == type ? entry : cs);
            if (!causeStatuses.contains(entry)) {
                causeStatuses.add(entry);
            }
            return this;
        }

        /** Replaces the JVM's hooks, exit and halt; for tests in this package. */
        Builder control(ProcessControl control) {
            this.control = Objects.requireNonNull(control, "control must not be null");
            return this;
        }

        /**
         * Builds the process; it does nothing until {@link SupervisorProcess#run()}.
         *
         * @return a new process for the root
         */
        public SupervisorProcess build() {
            return new SupervisorProcess(this);
        }
    }
}
