package dev.arbor.soak;

import dev.arbor.ChildInfo;
import dev.arbor.ChildSpec;
import dev.arbor.Jitter;
import dev.arbor.Restart;
import dev.arbor.ServiceRef;
import dev.arbor.StopOrder;
import dev.arbor.StopReport;
import dev.arbor.Strategy;
import dev.arbor.Supervisor;
import dev.arbor.SupervisorState;
import dev.arbor.UnstoppedService;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * One soak run: a seeded random tree of supervisors and faulty services, several threads calling
 * the API at random, spin storms on every carrier, faulty listeners, then {@code stop()}; every
 * invariant of issue 4 is checked, and any violation fails the run with its seed. See
 * {@code docs/RELIABILITY.md} for what is injected and how to replay a seed.
 */
final class SoakRun {
    /** How big and how long a run is. */
    record Settings(String mode, long activityMillis, int callers, int maxDepth, int maxChildren, int maxSupervisors,
                    int tteWeight, int foreverBudget, double listenerThrowProbability, int listenerBlocks,
                    long listenerBlockMillis, long stormMillis, long stormEveryMillis, long restartTarget,
                    long slackMillis) {

        /** A run of the CI soak: under a second of activity. */
        static Settings ci() {
            return new Settings("ci", 350, 3, 3, 8, 12, 1, 3, 0.01, 1, 1000, 150, 0, 0, 5000);
        }

        /** The long run: until {@code restarts} restarts, heap checked; spin storms every 5 s. */
        static Settings longRun(long restarts) {
            return new Settings("long", Long.MAX_VALUE, 3, 3, 8, 40, 0, 20, 0.001, 5, 2000, 250, 5000, restarts, 5000);
        }
    }

    /** What the harness knows about one supervisor of the tree. */
    static final class SupMeta {
        final String name;
        final List<String> path;
        final Supervisor sup;
        final SupMeta parent;
        final int depth;
        final RecordingClock clock = new RecordingClock();
        final UserCodeFaults userCodeFaults;   // null: its jitter, thread factory and clock behave
        final EventChecker checker;
        final double threshold;
        final long decayNanos;
        final long backoffNanos;
        final double jitterFraction;      // 0: Jitter.none()
        final Strategy strategy;
        final StopOrder stopOrder;
        final long defaultTimeoutNanos;
        final boolean propagate;
        final Map<String, Restart> restartByName = new ConcurrentHashMap<>();
        final Map<String, SupMeta> subByChildName = new ConcurrentHashMap<>();
        final AtomicLong maxChildTimeoutNanos = new AtomicLong();
        volatile boolean added;           // its parent accepted it (or it is the root)

        SupMeta(SoakRun soak, String name, SupMeta parent, SplittableRandom r, boolean churn) {
            this.name = name;
            this.parent = parent;
            this.depth = parent == null ? 0 : parent.depth + 1;
            List<String> p = new ArrayList<>(parent == null ? List.of() : parent.path);
            p.add(name);
            this.path = List.copyOf(p);
            this.strategy = churn ? Strategy.ONE_FOR_ONE : pick(r, Strategy.values());
            this.stopOrder = pick(r, StopOrder.values());
            boolean fast = soak.settings.restartTarget() > 0;   // long mode: mostly restarts, short backoffs
            this.threshold = churn ? 1000.0 : fast ? pick(r, new Double[] {5.0, 50.0, 1000.0})
                    : pick(r, new Double[] {0.0, 1.0, 3.0, 5.0, 10.0, 50.0});
            this.decayNanos = millis(churn ? 1.0 : fast ? pick(r, new Double[] {0.0, 1.0, 10.0})
                    : pick(r, new Double[] {0.0, 1.0, 20.0, 200.0, 2000.0}));
            this.backoffNanos = millis(churn ? 0.0 : fast ? pick(r, new Double[] {0.0, 1.0})
                    : pick(r, new Double[] {0.0, 1.0, 10.0, 50.0}));
            this.jitterFraction = pick(r, new Double[] {0.0, 0.1, 0.5});
            this.defaultTimeoutNanos = millis(pick(r, new Double[] {0.0, 5.0, 30.0, 100.0}));
            this.propagate = parent == null || (soak.settings.tteWeight() > 0 && r.nextInt(4) == 0);
            boolean ownListener = parent == null || r.nextBoolean();
            this.checker = ownListener ? new EventChecker(soak, r.nextLong()) : parent.checker;
            this.userCodeFaults = !churn && r.nextBoolean()
                    ? new UserCodeFaults(soak.stats, r.nextLong(), parent != null, soak.fatalUserCodeFaults) : null;
            Jitter jitter = jitterFraction == 0 ? Jitter.none() : Jitter.uniform(jitterFraction);
            clock.inject(userCodeFaults);
            Supervisor.Builder b = Supervisor.builder(name)
                    .strategy(strategy)
                    .stopOrder(stopOrder)
                    .failureThreshold(threshold)
                    .failureDecay(Duration.ofNanos(decayNanos))
                    .failureBackoff(Duration.ofNanos(backoffNanos))
                    .backoffJitter(userCodeFaults == null ? jitter : userCodeFaults.jitter(jitter))
                    .shutdownTimeout(Duration.ofNanos(defaultTimeoutNanos))
                    .propagateTermination(propagate)
                    .clock(clock)
                    .threadFactory(soak.threads.forSupervisor(path, userCodeFaults));
            if (ownListener) {
                b.onEvent(checker);
            }
            this.sup = b.build();
        }

        Restart restartOf(String child) {
            Restart r = restartByName.get(child);
            if (r == null) {
                throw new IllegalStateException(name + ": unknown child " + child);
            }
            return r;
        }

        /** An upper bound of how long stop() may take: each child waited for up to its timeout. */
        long stopBoundNanos(int callers, int maxChildren) {
            long max = maxChildTimeoutNanos.get();
            return stopOrder == StopOrder.PARALLEL ? max : (long) (maxChildren + callers) * max;
        }
    }

    final long seed;
    final Settings settings;
    final Stats stats = new Stats();
    final CountingThreadFactory threads = new CountingThreadFactory();
    final SpinStorms storms = new SpinStorms();
    final CountDownLatch release = new CountDownLatch(1);
    private final SplittableRandom rng;
    private final Map<String, SupMeta> metas = new ConcurrentHashMap<>();
    private final List<SupMeta> all = new CopyOnWriteArrayList<>();
    private final AtomicInteger nameSeq = new AtomicInteger();
    private final AtomicInteger foreverLeft;
    private final AtomicInteger listenerBlocksLeft;
    private final ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
    private final AtomicInteger violationCount = new AtomicInteger();
    private final List<Worker> workers = new CopyOnWriteArrayList<>();
    private volatile boolean callersStop;
    private final int cores = Runtime.getRuntime().availableProcessors();
    /** Whether the jitters, thread factories and clocks may throw fatal errors, which end the whole tree: rare. */
    final boolean fatalUserCodeFaults;
    /** Long mode: while set, churn children wait and callers pause, so the heap is measured at rest. */
    volatile boolean quiescent;
    volatile CountDownLatch resume = new CountDownLatch(1);
    /** Long mode: heap used after GC, at the start of the restarts and at the end. */
    volatile long heapStart;
    volatile long heapEnd;
    volatile long heapAfterStop;
    /** Long mode: restarts between the two heap measurements. */
    volatile long restartsMeasured;

    SoakRun(long seed, Settings settings) {
        this.seed = seed;
        this.settings = settings;
        this.rng = new SplittableRandom(seed);
        this.foreverLeft = new AtomicInteger(settings.foreverBudget());
        this.listenerBlocksLeft = new AtomicInteger(rng.nextInt(3) == 0 || settings.restartTarget() > 0
                ? settings.listenerBlocks() : 0);
        this.fatalUserCodeFaults = settings.restartTarget() == 0 && rng.nextInt(6) == 0;
    }

    // ------------------------------------------------------------------ tree

    SupMeta meta(String name) {
        SupMeta m = metas.get(name);
        if (m == null) {
            throw new IllegalStateException("event from unknown supervisor " + name);
        }
        return m;
    }

    private SupMeta newSupervisor(SupMeta parent, SplittableRandom r) {
        String name = "s" + nameSeq.getAndIncrement();
        SupMeta m = new SupMeta(this, name, parent, r, false);
        metas.put(name, m);
        all.add(m);
        stats.supervisors.incrementAndGet();
        int n = 2 + r.nextInt(Math.max(1, settings.maxChildren() / 2));
        for (int i = 0; i < n; i++) {
            if (m.depth < settings.maxDepth() && all.size() < settings.maxSupervisors() && r.nextInt(4) == 0) {
                addSub(m, r);
            } else {
                addLeaf(m, r, r.nextInt(3) == 0 ? FaultyService.Kind.STEADY : FaultyService.Kind.FLAKY);
            }
        }
        return m;
    }

    private static final Restart[] RESTARTS = Restart.values();

    /** Long mode: a ONE_FOR_ONE supervisor of children that fail at once, every run: the restarts. */
    private void addChurn(SupMeta parent, SplittableRandom r) {
        String name = "c" + nameSeq.getAndIncrement();
        SupMeta m = new SupMeta(this, name, parent, r, true);
        metas.put(name, m);
        all.add(m);
        stats.supervisors.incrementAndGet();
        for (int i = 0; i < settings.maxChildren(); i++) {
            String child = "k" + i;
            FaultyService service = new FaultyService(this, FaultyService.Kind.CHURN, 0, r.nextLong(), false);
            add(m, ChildSpec.of(child, service).withShutdownTimeout(Duration.ofMillis(50)), 50_000_000L, null);
        }
        add(parent, ChildSpec.of(name, m.sup).withShutdownTimeout(Duration.ofMillis(500)), 500_000_000L, m);
        m.added = true;
    }

    /** A leaf named by kind and slot; the name fixes its restart type, so the model knows it. */
    private Object addLeaf(SupMeta m, SplittableRandom r, FaultyService.Kind kind) {
        int slot = r.nextInt(2 * settings.maxChildren());
        String name = switch (kind) {
            case FLAKY -> "f";
            case STEADY -> "w";
            case SPINNER -> "x";
            case CHURN -> "k";
        } + slot;
        Restart restart = RESTARTS[(slot + kind.ordinal()) % 3];
        Long own = r.nextBoolean() ? null : millis(pick(r, new Double[] {0.0, 2.0, 20.0, 80.0, 200.0}));
        long timeout = own == null ? m.defaultTimeoutNanos : own;
        boolean tte = settings.tteWeight() > 0 && (m.depth > 0 || !"long".equals(settings.mode()));
        FaultyService service = new FaultyService(this, kind, timeout, r.nextLong(), tte);
        ChildSpec spec = ChildSpec.of(name, service).withRestart(restart);
        if (own != null) {
            spec = spec.withShutdownTimeout(Duration.ofNanos(own));
        }
        return add(m, spec, timeout, null);
    }

    private Object addSub(SupMeta m, SplittableRandom r) {
        SupMeta sub = newSupervisor(m, r);
        Restart restart = pick(r, RESTARTS);
        long timeout = millis(pick(r, new Double[] {50.0, 200.0, 400.0}));
        ChildSpec spec = ChildSpec.of(sub.name, sub.sup).withRestart(restart).withShutdownTimeout(Duration.ofNanos(timeout));
        return add(m, spec, timeout, sub);
    }

    /** Adds a child; returns its ref, or the exception that rejected it (checked here). */
    private Object add(SupMeta m, ChildSpec spec, long timeoutNanos, SupMeta sub) {
        Restart known = m.restartByName.putIfAbsent(spec.name(), spec.restart());
        if (known != null && known != spec.restart()) {
            throw new IllegalStateException("a name must keep its restart type");
        }
        if (sub != null) {
            m.subByChildName.put(spec.name(), sub);
        }
        m.maxChildTimeoutNanos.accumulateAndGet(timeoutNanos, Math::max);   // before add: the bound must cover it
        try {
            ServiceRef ref = m.sup.add(spec);
            if (!ref.name().equals(spec.name())) {
                violation(m.name + ": add returned a ref named " + ref.name() + " for " + spec.name());
            }
            if (sub != null) {
                sub.added = true;
            }
            return ref;
        } catch (IllegalStateException e) {
            String msg = String.valueOf(e.getMessage());
            if (!msg.contains(m.name) || !(msg.contains("stopping") || msg.contains("terminated"))) {
                violation(m.name + ": add rejected with a message that does not say why: " + msg);
            }
            stats.call("add rejected: supervisor stopping");
            return e;
        } catch (IllegalArgumentException e) {
            String msg = String.valueOf(e.getMessage());
            if (!msg.contains(spec.name()) || !msg.contains(m.name)) {
                violation(m.name + ": add of " + spec.name() + " rejected with a message that does not name it: " + msg);
            }
            stats.call("add rejected: name in use");
            return e;
        }
    }

    Fault drawFault(FaultyService.Kind kind, SplittableRandom r, boolean tteAllowed) {
        if (kind == FaultyService.Kind.CHURN) {
            int x = r.nextInt(100);
            return x < 60 ? Fault.EXCEPTION : x < 75 ? Fault.RETURN : x < 90 ? Fault.ERROR
                    : x < 99 ? Fault.INTERRUPTED_WITHOUT_STOP : Fault.STACK_OVERFLOW;
        }
        int[] w = kind == FaultyService.Kind.FLAKY
                //  EXC ERR SOE RET INT DNR TTE AWT SLOW THR BLK FOREVER
                ? new int[] {30, 8, 1, 15, 8, 3, tteAllowed ? settings.tteWeight() : 0, 6, 6, 5, 4, 1}
                : new int[] {8, 2, 0, 5, 3, 2, 0, 30, 20, 15, 10, 2};
        int total = Arrays.stream(w).sum();
        int x = r.nextInt(total);
        Fault[] order = {Fault.EXCEPTION, Fault.ERROR, Fault.STACK_OVERFLOW, Fault.RETURN,
                Fault.INTERRUPTED_WITHOUT_STOP, Fault.DO_NOT_RESTART, Fault.TERMINATE_TREE, Fault.AWAIT_STOP,
                Fault.STOP_SLOWLY, Fault.THROWING_ON_STOP, Fault.BLOCKING_ON_STOP, Fault.IGNORE_INTERRUPTS_FOREVER};
        for (int i = 0; i < w.length; i++) {
            if ((x -= w[i]) < 0) {
                if (order[i] == Fault.IGNORE_INTERRUPTS_FOREVER && foreverLeft.getAndDecrement() <= 0) {
                    return Fault.AWAIT_STOP;
                }
                return order[i];
            }
        }
        throw new AssertionError();
    }

    /** Called by every listener after its checks: sometimes throw, rarely block for a while. */
    void listenerFault(SplittableRandom r) {
        if (r.nextDouble() < settings.listenerThrowProbability()) {
            stats.listenerThrows.incrementAndGet();
            throw new IllegalStateException("injected listener failure");
        }
        if (listenerBlocksLeft.get() > 0 && r.nextInt(200) == 0 && listenerBlocksLeft.getAndDecrement() > 0) {
            stats.listenerBlocks.incrementAndGet();
            EventChecker.block(TimeUnit.MILLISECONDS.toNanos(settings.listenerBlockMillis()));
        }
    }

    private static final boolean TRACE = Boolean.getBoolean("arbor.soak.trace");
    private final ConcurrentLinkedQueue<String> trace = new ConcurrentLinkedQueue<>();

    /** With -Darbor.soak.trace=true, every event and call is kept and written out on a failure. */
    void trace(Object what) {
        if (TRACE) {
            trace.add(System.nanoTime() + " " + Thread.currentThread().getName() + " " + what);
        }
    }

    void violation(String what) {
        trace("VIOLATION " + what);
        if (violationCount.incrementAndGet() <= 50) {
            violations.add(what);
        }
    }

    // ------------------------------------------------------------------ the run

    /** Runs the soak; returns its figures, or throws an AssertionError naming the seed. */
    Stats execute() throws Exception {
        EngineLog.reset();
        stats.runs.incrementAndGet();
        SupMeta root = newSupervisor(null, rng);
        root.added = true;
        if (settings.restartTarget() > 0) {
            addChurn(root, rng);
            addChurn(root, rng);
        }
        for (int i = 0; i <= cores; i++) {   // spinners: one more than there are carriers
            boolean longMode = settings.restartTarget() > 0;   // long mode: spinners live in the root for good
            SupMeta where = longMode || rng.nextBoolean() ? root : all.get(rng.nextInt(all.size()));
            addLeaf(where, rng, FaultyService.Kind.SPINNER);
        }
        boolean viaRun = rng.nextBoolean();
        AtomicReference<Throwable> runOutcome = new AtomicReference<>();
        CountDownLatch runReturned = new CountDownLatch(1);
        Thread runner = null;
        if (viaRun) {
            runner = Thread.ofPlatform().name("soak-run").start(() -> {
                try {
                    root.sup.run();
                } catch (Throwable t) {
                    runOutcome.set(t);
                } finally {
                    runReturned.countDown();
                }
            });
        } else {
            root.sup.start();
        }
        for (int i = 0; i < settings.callers(); i++) {
            Worker w = new Worker("soak-caller-" + i, rng.nextLong());
            workers.add(w);
            w.thread.start();
        }
        Watchdog watchdog = new Watchdog();
        watchdog.thread.start();
        boolean storm = rng.nextBoolean();
        boolean stormAtStop = storm && rng.nextBoolean();
        long stormNanos = TimeUnit.MILLISECONDS.toNanos(settings.stormMillis());
        try {
            if ("long".equals(settings.mode())) {
                longActivity(stormNanos);
            } else {
                long activity = TimeUnit.MILLISECONDS.toNanos(settings.activityMillis());
                if (storm && !stormAtStop) {
                    sleepNanos(rng.nextLong(activity));
                    storms.fire(stormNanos);
                    sleepNanos(activity / 2);
                } else {
                    sleepNanos(activity);
                }
                if (stormAtStop) {
                    storms.fire(stormNanos);
                    storms.awaitSpinning(cores, stormNanos / 2);
                }
            }
            finish(root, viaRun, runner, runReturned, runOutcome);
        } finally {
            callersStop = true;
            watchdog.stop = true;
            release.countDown();
            storms.fireNone();
            for (Worker w : workers) {
                w.thread.join(TimeUnit.SECONDS.toMillis(10));
            }
            watchdog.thread.join(TimeUnit.SECONDS.toMillis(10));
            for (SupMeta m : all) {     // a run that failed early must not leave its tree running
                if (m.parent == null || !m.added) {
                    m.sup.close();
                }
            }
        }
        awaitAllThreadsEnded();
        for (String record : EngineLog.severe()) {
            // A fatal error injected into user code can reach a root that has just terminated: it is logged.
            if (!(fatalUserCodeFaults && record.contains("had terminated when a fatal error arrived"))) {
                violation("the engine logged an internal error: " + record);
            }
        }
        stats.engineWarnings.addAndGet(EngineLog.warnings());
        stats.threadsCreated.addAndGet(threads.created());
        stats.spinMillis.addAndGet(TimeUnit.NANOSECONDS.toMillis(storms.spinNanos()));
        stats.storms.addAndGet(storms.storms());
        stats.peakSpinners.accumulate(storms.peakSpinners());
        if (violationCount.get() > 0) {
            if (TRACE) {
                java.nio.file.Path file = java.nio.file.Path.of("target", "soak-trace-" + seed + ".txt");
                java.nio.file.Files.write(file, trace);
                violation("trace written to " + file.toAbsolutePath());
            }
            throw new AssertionError("soak seed " + seed + " (" + settings.mode() + "): " + violationCount.get()
                    + " invariant violation(s); replay with -Darbor.soak.seed=" + seed + "\n  - "
                    + String.join("\n  - ", violations) + "\nfigures: " + stats.summary());
        }
        return stats;
    }

    private void longActivity(long stormNanos) throws InterruptedException {
        long nextStorm = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(settings.stormEveryMillis());
        long warmup = Math.max(20_000, settings.restartTarget() / 20);
        long lastReport = System.nanoTime();
        boolean measured = false;
        long restartsAtStart = 0;
        while (true) {
            sleepNanos(TimeUnit.MILLISECONDS.toNanos(50));
            long restarts = stats.restarts.get();
            if (!measured && restarts >= warmup) {
                heapStart = quiescentHeap();
                restartsAtStart = stats.restarts.get();     // counted once the event backlog drained
                measured = true;
                System.out.printf("soak long: heap after GC at %,d restarts: %,d bytes%n", restartsAtStart, heapStart);
            }
            if (measured && restarts - restartsAtStart >= settings.restartTarget()) {
                heapEnd = quiescentHeap();
                restartsMeasured = stats.restarts.get() - restartsAtStart;
                System.out.printf("soak long: heap after GC at %,d restarts: %,d bytes (%,d restarts in between)%n",
                        stats.restarts.get(), heapEnd, restartsMeasured);
                break;
            }
            if (violationCount.get() > 0) {
                return;
            }
            if (System.nanoTime() - nextStorm > 0) {
                storms.fire(stormNanos);
                nextStorm = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(settings.stormEveryMillis());
            }
            if (System.nanoTime() - lastReport > TimeUnit.SECONDS.toNanos(10)) {
                lastReport = System.nanoTime();
                System.out.printf("soak long: %,d restarts, %,d events, %,d calls, live run threads %d%n",
                        restarts, stats.events.get(), stats.totalCalls(), threads.live().size());
            }
        }
    }

    /**
     * Heap used after GC with the load paused: churn children park, callers pause, and the event
     * backlog drains (no spinner, and no new event for longer than a listener blocks), so two measurements compare retained state, not
     * the threads and queued events in flight at that instant.
     */
    private long quiescentHeap() throws InterruptedException {
        quiescent = true;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        long last = -1;
        int stable = 0;
        // At rest: no spinner spinning, and no event delivered for longer than a listener blocks.
        long quietFor = settings.listenerBlockMillis() + 1000;
        while (System.nanoTime() - deadline < 0 && stable * 250L < quietFor) {
            long now = stats.events.get();
            stable = now == last && storms.spinning() == 0 ? stable + 1 : 0;
            last = now;
            Thread.sleep(250);
        }
        long heap = usedHeapAfterGc();
        System.out.printf("soak long: at rest: %d run threads, %,d events so far%n", threads.live().size(), stats.events.get());
        quiescent = false;
        CountDownLatch paused = resume;
        resume = new CountDownLatch(1);
        paused.countDown();
        return heap;
    }

    static long usedHeapAfterGc() throws InterruptedException {
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
            Runtime rt = Runtime.getRuntime();
            best = Math.min(best, rt.totalMemory() - rt.freeMemory());
        }
        return best;
    }

    /** stop() from one or two threads; then every invariant after a stop. */
    private void finish(SupMeta root, boolean viaRun, Thread runner, CountDownLatch runReturned,
                        AtomicReference<Throwable> runOutcome) throws Exception {
        long slack = TimeUnit.MILLISECONDS.toNanos(settings.slackMillis());
        long bound = root.stopBoundNanos(settings.callers(), settings.maxChildren());
        int stoppers = rng.nextInt(3) == 0 ? 2 : 1;
        List<Stopper> stopping = new ArrayList<>();
        for (int i = 0; i < stoppers; i++) {
            stopping.add(new Stopper(root, bound));
        }
        stopping.forEach(s -> s.thread.start());
        StopReport report = null;
        for (Stopper s : stopping) {
            s.thread.join(TimeUnit.NANOSECONDS.toMillis(bound + slack) + 1);
            if (s.thread.isAlive()) {
                violation("stop() of the root did not return within " + Duration.ofNanos(bound + slack)
                        + " (bound " + Duration.ofNanos(bound) + " + slack)\n" + dump(s.thread) + "    " + dumpAllThreads());
                s.thread.join();   // the run has failed; wait so that the stack above stays true
            }
            if (s.failure != null) {
                violation("stop() threw " + s.failure);
            } else if (report == null) {
                report = s.report;
            } else if (!report.equals(s.report)) {
                violation("two concurrent stop() calls returned different reports: " + report + " vs " + s.report);
            }
        }
        callersStop = true;
        for (Worker w : workers) {
            w.thread.join(TimeUnit.SECONDS.toMillis(10));
            if (w.thread.isAlive()) {
                violation("an API caller did not finish within 10 s after stop:\n" + dump(w.thread));
            }
        }
        if (report == null) {
            return;
        }
        if (root.sup.state() != SupervisorState.TERMINATED) {
            violation("root not TERMINATED after stop() returned: " + root.sup.state());
        }
        if (viaRun) {
            if (!runReturned.await(bound + slack, TimeUnit.NANOSECONDS)) {
                violation("run() did not return after stop()\n" + dump(runner));
            } else {
                Optional<Throwable> cause = root.sup.terminationCause();
                Throwable thrown = runOutcome.get();
                if (cause.isPresent() ? thrown != cause.get() : thrown != null) {
                    violation("run() ended with " + thrown + " but terminationCause is " + cause);
                }
            }
        }
        // Every supervisor that ran ends TERMINATED: those abandoned by their parent finish on their own.
        for (SupMeta m : all) {
            long own = m.stopBoundNanos(settings.callers(), settings.maxChildren()) + slack;
            if (m.sup.state() != SupervisorState.NEW && !m.sup.awaitTermination(Duration.ofNanos(own))) {
                violation(m.name + " is still " + m.sup.state() + " " + Duration.ofNanos(own) + " after the root stopped");
            }
        }
        // Events: wait until every listener has delivered every event its supervisors emitted. A
        // child supervisor emits SupervisorTerminated once per run, so having seen one proves
        // nothing about a later run; the counts of emitted events (health().totals(), counted when
        // each event is emitted) do. Every supervisor is terminated: no event is emitted any more.
        for (SupMeta m : all) {
            if (m.userCodeFaults != null) {
                m.userCodeFaults.off();        // health() reads the clock: the harness's reads must not fail
            }
        }
        // Then each listener is quiet: out of its last call, and every supervisor's last event is
        // its SupervisorTerminated (no run without its end).
        long eventsDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        List<String> behind;
        while (!(behind = undelivered()).isEmpty() || !all.stream().allMatch(m -> m.checker.quiet())) {
            if (System.nanoTime() - eventsDeadline > 0) {
                violation("events not delivered within 30 s after stop (a listener or a run without its end); "
                        + "delivered/emitted behind: " + behind);
                break;
            }
            sleepNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        checkThreadsAgainst(report);
    }

    /** The supervisors whose listener has not yet received every event they emitted, with both counts. */
    private List<String> undelivered() {
        List<String> behind = new ArrayList<>();
        for (SupMeta m : all) {
            dev.arbor.SupervisorTotals t = m.sup.health().totals();
            long emitted = t.starts() + t.failures() + t.completions() + t.stops() + t.stopTimeouts() + t.backoffs()
                    + t.terminations();
            long delivered = m.checker.delivered(m.name);
            if (delivered != emitted) {
                behind.add(m.name + " " + delivered + "/" + emitted);
            }
        }
        return behind;
    }

    /** No run thread alive but those the report names; a thread whose run ended gets a grace period. */
    private void checkThreadsAgainst(StopReport report) throws InterruptedException {
        stats.unstoppedReported.addAndGet(report.unstopped().size());
        Map<List<String>, Integer> named = new HashMap<>();
        for (UnstoppedService u : report.unstopped()) {
            List<String> key = new ArrayList<>(u.path());
            key.add(u.name());
            named.merge(key, 1, Integer::sum);
        }
        long graceDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5)
                + TimeUnit.MILLISECONDS.toNanos(settings.stormMillis());
        List<String> unnamed;
        while (true) {
            Map<Thread, CountingThreadFactory.Owner> live = threads.live();
            Map<List<String>, Integer> left = new HashMap<>(named);
            unnamed = new ArrayList<>();
            for (Map.Entry<Thread, CountingThreadFactory.Owner> e : live.entrySet()) {
                CountingThreadFactory.Owner o = e.getValue();
                if (!take(left, o)) {
                    unnamed.add(o.path() + "/" + o.service() + " (" + e.getKey().getState() + ")");
                }
            }
            if (unnamed.isEmpty()) {
                stats.threadsAliveAfterStop.addAndGet(live.size());
                return;
            }
            if (System.nanoTime() - graceDeadline > 0) {
                break;
            }
            sleepNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        violation("threads alive after stop() that its report does not name: " + unnamed + "; report: " + report.unstopped());
    }

    private static boolean take(Map<List<String>, Integer> left, CountingThreadFactory.Owner o) {
        if (o.service().equals("?")) {      // not yet inside its body: matches any name at its path
            for (Map.Entry<List<String>, Integer> e : left.entrySet()) {
                if (e.getValue() > 0 && e.getKey().subList(0, e.getKey().size() - 1).equals(o.path())) {
                    e.setValue(e.getValue() - 1);
                    return true;
                }
            }
            return false;
        }
        List<String> key = new ArrayList<>(o.path());
        key.add(o.service());
        Integer n = left.get(key);
        if (n == null || n == 0) {
            return false;
        }
        left.put(key, n - 1);
        return true;
    }

    /** After the release, every run thread of this soak run ends (nothing is stuck in the engine). */
    private void awaitAllThreadsEnded() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!threads.live().isEmpty()) {
            if (System.nanoTime() - deadline > 0) {
                StringBuilder sb = new StringBuilder();
                threads.live().forEach((t, o) -> sb.append(o).append(' ').append(dump(t)));
                violation("run threads still alive 10 s after every fault was released:\n" + sb);
                return;
            }
            sleepNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }

    // ------------------------------------------------------------------ API callers

    private final class Stopper {
        final Thread thread;
        volatile StopReport report;
        volatile Throwable failure;

        Stopper(SupMeta m, long bound) {
            thread = Thread.ofPlatform().name("soak-stop-" + m.name).unstarted(() -> {
                long t0 = System.nanoTime();
                try {
                    report = m.sup.stop();
                } catch (Throwable t) {
                    failure = t;
                }
                recordStop(System.nanoTime() - t0, bound);
            });
        }
    }

    private void recordStop(long nanos, long bound) {
        stats.stopCalls.incrementAndGet();
        stats.maxStopMillis.accumulate(TimeUnit.NANOSECONDS.toMillis(nanos));
        if (bound > 0) {
            stats.maxStopPerMilleOfBound.accumulate(nanos * 1000 / bound);
        }
    }

    /** A platform thread calling the API at random until the run stops. */
    private final class Worker {
        final Thread thread;
        final SplittableRandom r;
        volatile long callStart;      // 0: not in a call
        volatile String call;
        volatile long callBound;

        Worker(String name, long seed) {
            this.r = new SplittableRandom(seed);
            this.thread = Thread.ofPlatform().name(name).unstarted(this::loop);
        }

        private void loop() {
            while (!callersStop) {
                if (quiescent) {
                    LockSupport.parkNanos(10_000_000);
                    continue;
                }
                SupMeta m = all.get(r.nextInt(all.size()));
                try {
                    oneCall(m);
                } catch (Throwable t) {
                    violation("API call " + call + " on " + m.name + " threw " + t);
                } finally {
                    callStart = 0;
                }
                LockSupport.parkNanos(r.nextLong(1_000_000));
            }
        }

        private void begin(String what, long bound) {
            trace("call " + what);
            call = what;
            callBound = bound;
            callStart = System.nanoTime();
            stats.call(what);
        }

        private void oneCall(SupMeta m) throws InterruptedException {
            long quick = TimeUnit.SECONDS.toNanos(5);
            int x = r.nextInt(100);
            if (x < 12) {
                begin("add", quick);
                if (m.sup.children().size() < settings.maxChildren()) {
                    addLeaf(m, r, r.nextInt(3) == 0 ? FaultyService.Kind.STEADY : FaultyService.Kind.FLAKY);
                }
            } else if (x < 14) {
                begin("add supervisor", quick);
                if (all.size() < settings.maxSupervisors() && m.depth < settings.maxDepth()
                        && m.sup.children().size() < settings.maxChildren()) {
                    addSub(m, r);
                }
            } else if (x < 17) {
                ChildInfo c = randomChild(m);
                if (c != null) {
                    begin("remove", quick);
                    m.sup.remove(c.ref());
                }
            } else if (x < 21) {
                ChildInfo c = randomChild(m);
                if (c != null) {
                    long tiny = r.nextLong(2_000_000);
                    begin("removeAndWait", quick + tiny);
                    m.sup.removeAndWait(c.ref(), Duration.ofNanos(tiny));
                }
            } else if (x < 70) {
                begin("children", quick);
                List<ChildInfo> infos = m.sup.children();
                Set<String> names = new HashSet<>();
                for (ChildInfo i : infos) {
                    if (!names.add(i.name()) || i.restarts() < 0 || i.state() == null || !i.ref().name().equals(i.name())) {
                        violation(m.name + ": inconsistent children() snapshot: " + infos);
                    }
                }
            } else if (x < 99) {
                begin("state", quick);
                if (m.sup.state() == null) {
                    violation(m.name + ": state() returned null");
                }
            } else if (m.parent != null && !m.name.startsWith("c") && r.nextInt(40) == 0) {
                long bound = m.stopBoundNanos(settings.callers(), settings.maxChildren())
                        + TimeUnit.MILLISECONDS.toNanos(settings.slackMillis());
                begin("stop child supervisor", bound);
                long t0 = System.nanoTime();
                m.sup.stop();
                recordStop(System.nanoTime() - t0, bound);
                if (m.sup.state() != SupervisorState.TERMINATED) {
                    violation(m.name + ": not TERMINATED after its own stop() returned");
                }
            }
        }

        private ChildInfo randomChild(SupMeta m) {
            begin("children", TimeUnit.SECONDS.toNanos(5));
            List<ChildInfo> infos = m.sup.children();
            if (infos.isEmpty()) {
                return null;
            }
            ChildInfo c = infos.get(r.nextInt(infos.size()));
            if (m.name.startsWith("c") || c.name().startsWith("c")
                    || (settings.restartTarget() > 0 && c.name().startsWith("x"))) {
                return null;          // long mode's churn supervisors keep restarting: never removed
            }
            boolean longLived = c.name().startsWith("x") || c.name().startsWith("s");   // spinners, supervisors
            return longLived && r.nextInt(8) != 0 ? null : c;
        }
    }

    /** Fails the run when any API call takes longer than its bound: no call may hang. */
    private final class Watchdog {
        final Thread thread = Thread.ofPlatform().name("soak-watchdog").daemon(true).unstarted(this::loop);
        volatile boolean stop;

        private void loop() {
            Set<Worker> reported = new HashSet<>();
            while (!stop) {
                sleepNanos(TimeUnit.MILLISECONDS.toNanos(50));
                for (Worker w : workers) {
                    long start = w.callStart;
                    if (start != 0 && System.nanoTime() - start > w.callBound && reported.add(w)) {
                        violation("API call " + w.call + " took longer than " + Duration.ofNanos(w.callBound)
                                + "\n" + dump(w.thread) + "    " + dumpAllThreads());
                    }
                }
            }
        }
    }

    // ------------------------------------------------------------------ helpers

    /**
     * Writes a dump of every thread, virtual ones included (HotSpotDiagnosticMXBean, reached by
     * reflection: the tests compile against java.base only), and returns its path.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static String dumpAllThreads() {
        try {
            Class<?> factory = Class.forName("java.lang.management.ManagementFactory");
            Class<?> bean = Class.forName("com.sun.management.HotSpotDiagnosticMXBean");
            Object mx = factory.getMethod("getPlatformMXBean", Class.class).invoke(null, bean);
            Class format = Class.forName("com.sun.management.HotSpotDiagnosticMXBean$ThreadDumpFormat");
            java.nio.file.Path file = java.nio.file.Path.of("target", "soak-threads-" + System.nanoTime() + ".txt")
                    .toAbsolutePath();
            bean.getMethod("dumpThreads", String.class, format).invoke(mx, file.toString(), Enum.valueOf(format, "TEXT_PLAIN"));
            return "all threads dumped to " + file;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return "no thread dump: " + e;
        }
    }

    static String dump(Thread t) {
        if (t == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder("    thread " + t.getName() + " " + t.getState() + "\n");
        for (StackTraceElement e : t.getStackTrace()) {
            sb.append("      at ").append(e).append('\n');
        }
        return sb.toString();
    }

    static void sleepNanos(long nanos) {
        long deadline = System.nanoTime() + nanos;
        long left;
        while ((left = deadline - System.nanoTime()) > 0) {
            LockSupport.parkNanos(left);
        }
    }

    static <T> T pick(SplittableRandom r, T[] options) {
        return options[r.nextInt(options.length)];
    }

    static long millis(double ms) {
        return (long) (ms * 1_000_000);
    }
}
