package dev.arbor.bench.arbor;

import dev.arbor.ChildSpec;
import dev.arbor.Restart;
import dev.arbor.Service;
import dev.arbor.ServiceContext;
import dev.arbor.StopReport;
import dev.arbor.Supervisor;
import dev.arbor.SupervisorState;
import dev.arbor.bench.Params;
import dev.arbor.bench.Results;
import dev.arbor.bench.Workload;
import dev.arbor.examples.DemoOptions;
import dev.arbor.examples.MessagePlan;
import dev.arbor.examples.OrderParser;
import dev.arbor.examples.OrderWorker;
import dev.arbor.examples.ProcessedLedger;
import dev.arbor.examples.Producer;
import dev.arbor.examples.broker.ArtemisBroker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * ARBOR SIDE, workload 5: supervision overhead. The demo's pipeline (arbor-examples: a {@link Producer}
 * publishing to the demo's broker, an embedded Apache ActiveMQ Artemis ({@link ArtemisBroker}, persistent
 * journal, the demo's settings), {@link OrderWorker}s parsing with Jackson, recording in the
 * {@link ProcessedLedger} and acknowledging) runs valid messages, as fast as it can, two ways in this JVM:
 *
 * <ul>
 *   <li><b>bare</b>: the producer and the demo's 4 workers each on a virtual thread started and joined by
 *       hand; a stop sets a flag and interrupts them, as a hand-written service would;</li>
 *   <li><b>supervised</b>: the demo's tree, {@code queue-demo} (ONE_FOR_ONE) over the {@code workers}
 *       supervisor (the demo's failure threshold, decay, backoff and shutdown timeout) and the
 *       {@code producer} (TRANSIENT), stopped with {@code stop()}.</li>
 * </ul>
 *
 * The same {@code Service} classes run in both; bare threads get a minimal {@link ServiceContext}. A leg
 * pushes the plan through one variant on a fresh broker (a new journal, started before the leg's clock). No message is malformed, none crashes its
 * worker and nothing is rate-limited, so the difference is what supervision costs on the message path (a
 * worker calls nothing of Arbor's per message but {@code ctx.isStopping()}) plus starting and stopping the
 * tree.
 *
 * <p>A run sends {@code --messages} M messages through each variant, in legs of at most 250,000 (so that no
 * young collection falls inside one), interleaved bare, supervised, supervised, bare, supervised, bare, bare,
 * supervised (so that drift in a shared machine's load falls on both alike), each leg after a full GC. Each
 * leg is split at the first message processed and at the last acknowledgement: start, drain, stop. A
 * variant's messages/s is M over the sum of its drains plus one start and stop (its median leg's), as one
 * pass of M messages would take; the legs only keep the collector out of the measurement, so their start and
 * stop are counted once, not once per leg. Emitted per run: each variant's messages/s, their ratio
 * (supervised / bare), and each variant's median start + stop.
 */
public final class ArborDemo implements Workload {
    private static final DemoOptions DEMO = DemoOptions.defaults();
    private static final Duration LEG_TIMEOUT = Duration.ofSeconds(120);
    private static final long POLL_NANOS = 250_000;
    /**
     * Messages per leg at most: a leg this size fits in the young generation of the harness's heap (-Xms2g, G1),
     * so that no collection falls inside one leg at random (the ledger keeps every order of a leg alive, and a
     * young collection in the middle copies all of them); more messages make more legs.
     */
    private static final int MAX_LEG = 250_000;
    /** The legs of one round, false for bare and true for supervised: each variant as often, in every position. */
    private static final boolean[] ORDER = {false, true, true, false, true, false, false, true};

    private MessagePlan plan;

    @Override
    public void run(Params p, Results out, int run) throws Exception {
        int m = p.messages();
        int rounds = Math.max(1, m / (ORDER.length / 2 * MAX_LEG));
        int perLeg = Math.max(1, m / (ORDER.length / 2 * rounds));
        if (plan == null || plan.size() != perLeg) {
            // Only valid orders: no malformed share, no poison burst, no crash before the ack.
            plan = MessagePlan.generate(perLeg, 0, 0, 0, DEMO.seed());
        }
        List<Leg> bare = new ArrayList<>();
        List<Leg> supervised = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            for (boolean sup : ORDER) {
                (sup ? supervised : bare).add(leg(sup));
            }
        }
        long each = (long) perLeg * bare.size(); // messages per variant
        double bareRate = rate(each, bare);
        double supervisedRate = rate(each, supervised);
        out.emit("demo", "bare_msgs_per_s", "1/s", bareRate, run, each);
        out.emit("demo", "supervised_msgs_per_s", "1/s", supervisedRate, run, each);
        out.emit("demo", "ratio", "x", supervisedRate / bareRate, run, each);
        out.emit("demo", "bare_start_stop_ms", "ms", medianFixed(bare) / 1e6, run, each);
        out.emit("demo", "supervised_start_stop_ms", "ms", medianFixed(supervised) / 1e6, run, each);
        out.emit("demo", "workers", "", DEMO.workers(), run, each);
    }

    /**
     * One leg's times (ns): from the start of the threads or the tree until the first message was processed,
     * the drain from there to the last acknowledgement, and from there until everything has ended.
     */
    record Leg(long start, long drain, long stop) {
        long fixed() {
            return start + stop;
        }
    }

    /**
     * Messages per second of M messages sent in one pass: the legs' drains, plus one start and one stop (the
     * median leg's), which a single pass would pay once, not once per leg.
     */
    private static double rate(long messages, List<Leg> legs) {
        long drain = legs.stream().mapToLong(Leg::drain).sum();
        return messages / ((drain + medianFixed(legs)) / 1e9);
    }

    private static long medianFixed(List<Leg> legs) {
        long[] f = legs.stream().mapToLong(Leg::fixed).sorted().toArray();
        return f.length % 2 == 1 ? f[f.length / 2] : (f[f.length / 2 - 1] + f[f.length / 2]) / 2;
    }

    /**
     * One pass of the whole plan through a fresh broker. Its journal goes to tmpfs ({@code /dev/shm}) where
     * there is one: the broker still writes and syncs it, but a sync on a disk shared with other processes
     * waits for their writes too (seconds, at times, on a busy machine), and that would swamp the figure.
     */
    private Leg leg(boolean supervised) throws Exception {
        Path shm = Path.of("/dev/shm");
        Path journal = Files.isDirectory(shm) && Files.isWritable(shm)
                ? Files.createTempDirectory(shm, "arbor-bench-demo-")
                : Files.createTempDirectory("arbor-bench-demo-");
        try (ArtemisBroker broker = ArtemisBroker.start(journal, DEMO.maxDeliveries(), false)) {
            System.gc();
            return leg(supervised, broker);
        } finally {
            deleteRecursively(journal);
        }
    }

    private Leg leg(boolean supervised, ArtemisBroker broker) throws Exception {
        LongAdder deadLettered = new LongAdder();
        ProcessedLedger ledger = new ProcessedLedger();
        LongAdder crashedRuns = new LongAdder();
        OrderParser parser = new OrderParser();
        List<Service> workers = new ArrayList<>();
        for (int i = 0; i < DEMO.workers(); i++) {
            workers.add(new OrderWorker(broker, parser, ledger, Duration.ZERO, message -> false, crashedRuns));
        }
        Producer producer = new Producer(broker, plan, 0);

        Leg leg = supervised
                ? supervised(broker, ledger, workers, producer)
                : bare(broker, ledger, workers, producer);

        deadLettered.add(broker.pending());   // nothing may be left, on the queue or the dead-letter queue
        if (ledger.size() != plan.size() || ledger.duplicates() != 0 || deadLettered.sum() != 0
                || crashedRuns.sum() != 0 || ledger.totalCents() != plan.expectedTotalCents()) {
            throw new IllegalStateException((supervised ? "supervised" : "bare") + " leg: processed " + ledger.size()
                    + " of " + plan.size() + ", " + ledger.duplicates() + " twice, " + deadLettered.sum()
                    + " left on the broker, " + crashedRuns.sum() + " crashes");
        }
        return leg;
    }

    private Leg supervised(ArtemisBroker broker, ProcessedLedger ledger, List<Service> workers, Producer producer)
            throws Exception {
        long t0 = System.nanoTime();
        Supervisor pool = Supervisor.builder("workers")
                .failureThreshold(DEMO.failureThreshold())
                .failureDecay(DEMO.failureDecay())
                .failureBackoff(DEMO.failureBackoff())
                .shutdownTimeout(Duration.ofSeconds(5))
                .build();
        for (int i = 0; i < workers.size(); i++) {
            pool.add("worker-" + (i + 1), workers.get(i));
        }
        Supervisor root = Supervisor.builder("queue-demo").onEvent(e -> { }).build();
        root.add("workers", pool);
        root.add(ChildSpec.of("producer", producer).withRestart(Restart.TRANSIENT));
        root.start();
        long[] seen;
        try {
            seen = awaitAcknowledged(broker, ledger, () -> root.state() == SupervisorState.TERMINATED
                    ? "the tree terminated: " + root.terminationCause().orElse(null) : null);
        } finally {
            StopReport report = root.stop();
            if (!report.clean()) {
                throw new IllegalStateException(report.unstopped().size() + " children did not stop");
            }
        }
        return new Leg(seen[0] - t0, seen[1] - seen[0], System.nanoTime() - seen[1]);
    }

    private Leg bare(ArtemisBroker broker, ProcessedLedger ledger, List<Service> workers, Producer producer)
            throws Exception {
        long t0 = System.nanoTime();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<BareRun> runs = new ArrayList<>(); // started in the demo tree's order: the workers, then the producer
        for (int i = 0; i < workers.size(); i++) {
            runs.add(new BareRun("worker-" + (i + 1)).start(workers.get(i), failure));
        }
        runs.add(new BareRun("producer").start(producer, failure));
        long[] seen;
        try {
            seen = awaitAcknowledged(broker, ledger,
                    () -> failure.get() == null ? null : "a thread failed: " + failure.get());
        } finally {
            for (int i = runs.size() - 1; i >= 0; i--) { // newest first, as the supervisor stops them
                runs.get(i).stop();
            }
            for (BareRun r : runs) {
                r.thread.join();
            }
        }
        return new Leg(seen[0] - t0, seen[1] - seen[0], System.nanoTime() - seen[1]);
    }

    /**
     * Waits until every message was acknowledged, or throws what {@code failed} says; returns when it saw the
     * first message processed and the last one acknowledged. It polls, every 0.25 ms, the ledger (lock-free)
     * rather than the broker, and the broker only once the ledger is full: asking the broker thousands of
     * times a second would cost the pipeline more than the figure's resolution.
     */
    private long[] awaitAcknowledged(ArtemisBroker broker, ProcessedLedger ledger, Supplier<String> failed) {
        long deadline = System.nanoTime() + LEG_TIMEOUT.toNanos();
        long first = 0;
        while (ledger.size() < plan.size() || broker.pending() > 0) {
            if (first == 0 && ledger.size() > 0) {
                first = System.nanoTime();
            }
            String why = failed.get();
            if (why != null) {
                throw new IllegalStateException(why);
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("only " + ledger.size() + " of " + plan.size()
                        + " messages processed, " + broker.pending() + " on the broker, after " + LEG_TIMEOUT.toSeconds()
                        + " s");
            }
            LockSupport.parkNanos(POLL_NANOS);
        }
        long last = System.nanoTime();
        return new long[] {first == 0 ? last : first, last};
    }

    private static void deleteRecursively(Path dir) {
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }

    /**
     * A service on a bare virtual thread: what the demo would be without Arbor. A stop sets the flag the
     * service checks, then interrupts the thread; what the service throws after that is the stop, and what it
     * throws before is a failure (reported, never restarted).
     */
    private static final class BareRun implements ServiceContext {
        private final String name;
        private final CountDownLatch stopping = new CountDownLatch(1);
        private Thread thread;

        BareRun(String name) {
            this.name = name;
        }

        BareRun start(Service service, AtomicReference<Throwable> failure) {
            thread = Thread.ofVirtual().name(name).start(() -> {
                try {
                    service.serve(this);
                } catch (Throwable t) {
                    if (!isStopping()) {
                        failure.compareAndSet(null, t);
                    }
                }
            });
            return this;
        }

        void stop() {
            stopping.countDown();
            thread.interrupt();
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public boolean isStopping() {
            return stopping.getCount() == 0;
        }

        @Override
        public void awaitStop() throws InterruptedException {
            stopping.await();
        }

        @Override
        public void onStop(Runnable action) {
            throw new UnsupportedOperationException("not used by the demo's services");
        }

        @Override
        public int restarts() {
            return 0;
        }
    }
}
