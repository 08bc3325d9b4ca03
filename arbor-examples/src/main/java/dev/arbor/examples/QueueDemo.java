package dev.arbor.examples;

import dev.arbor.ChildInfo;
import dev.arbor.ChildSpec;
import dev.arbor.ChildState;
import dev.arbor.Restart;
import dev.arbor.StopReport;
import dev.arbor.Supervisor;
import dev.arbor.SupervisorState;
import dev.arbor.examples.broker.ArtemisBroker;
import dev.arbor.examples.broker.Broker;
import dev.arbor.examples.broker.DeadLetter;
import dev.arbor.examples.broker.JsonLinesDeadLetterFile;
import dev.arbor.examples.broker.Message;
import dev.arbor.examples.broker.RabbitMqBroker;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;

/**
 * One run of the queue-consumer demo: starts (or connects to) the broker, builds the tree,
 * publishes the plan, waits until every message is processed or dead-lettered, stops the tree and
 * checks that every message is accounted for.
 *
 * <pre>
 * queue-demo                 root supervisor, ONE_FOR_ONE, default settings
 * ├── workers                supervisor with the tuned failure threshold, decay and backoff
 * │   ├── worker-1           OrderWorker (PERMANENT)
 * │   └── ...
 * ├── dead-letters           DeadLetterArchiver: the broker's dead-letter queue to the file (PERMANENT)
 * └── producer               Producer (TRANSIENT: removed once everything is published)
 * </pre>
 *
 * The producer is added last so that {@code stop()}, which goes in reverse add order, stops
 * producing before it stops consuming.
 *
 * <p>State that must survive a kill lives in the data directory: the broker's journal, the
 * {@link ProcessedLedger} and the producer's {@link PublishedCount}; with {@code --resume} a run
 * carries on from them (and from the dead-letter file) instead of starting afresh.
 */
public final class QueueDemo {
    static final String ROOT = "queue-demo";
    static final String WORKERS = "workers";
    private static final long DRAIN_CHECK_MILLIS = 20;

    private final DemoOptions options;
    private final PrintStream out;
    private final int columns;
    private final ObserveFlag observe;
    private volatile boolean stopRequested;

    /**
     * @param options what to run
     * @param out     where the header, the progress and nothing else go (the caller prints the summary)
     * @param columns the terminal's width for the progress line; 0 if unknown
     * @throws NullPointerException     if options or out is null
     * @throws IllegalArgumentException if columns is negative
     */
    public QueueDemo(DemoOptions options, PrintStream out, int columns) {
        this(options, out, columns, ObserveFlag.OFF);
    }

    /**
     * @param options what to run
     * @param out     where the header, the progress and nothing else go (the caller prints the summary)
     * @param columns the terminal's width for the progress line; 0 if unknown
     * @param observe whether to serve the live view of the tree while the demo runs ({@code --observe})
     * @throws NullPointerException     if options, out or observe is null
     * @throws IllegalArgumentException if columns is negative
     */
    public QueueDemo(DemoOptions options, PrintStream out, int columns, ObserveFlag observe) {
        this.observe = Objects.requireNonNull(observe, "observe must not be null");
        this.options = Objects.requireNonNull(options, "options must not be null");
        this.out = Objects.requireNonNull(out, "out must not be null");
        if (columns < 0) {
            throw new IllegalArgumentException("columns must be >= 0, was " + columns);
        }
        this.columns = columns;
    }

    /**
     * Asks a running demo to stop early (on SIGTERM): it stops the tree and returns its summary,
     * with the outcome {@link DemoSummary.Outcome#STOPPED}. Thread-safe; may be called before
     * {@link #run()}, which then stops at once.
     */
    public void requestStop() {
        stopRequested = true;
    }

    /**
     * Runs the demo to the end and returns what happened. Blocks for the run's duration (at most
     * about {@code --timeout} plus the shutdown).
     *
     * @throws java.io.IOException  if the dead-letter file, the ledger or the count cannot be written or read back
     * @throws dev.arbor.examples.broker.BrokerException if the broker does not start or cannot be reached
     * @throws InterruptedException if interrupted; the tree is stopped first
     */
    public DemoSummary run() throws Exception {
        MessagePlan plan = MessagePlan.generate(options.messages(), options.malformedShare(), options.burst(),
                options.crashBeforeAckShare(), options.seed());
        Path data = options.dataDir();
        boolean resume = options.resume();
        try (Broker broker = openBroker();
             ProcessedLedger ledger = ProcessedLedger.open(data.resolve("processed.ledger"), resume);
             PublishedCount published = PublishedCount.open(data.resolve("published.count"), resume);
             JsonLinesDeadLetterFile deadLetters = JsonLinesDeadLetterFile.open(options.deadLetterFile(), resume)) {
            DemoSummary.Resumed resumed = resume ? new DemoSummary.Resumed(published.get(), ledger.loaded(),
                    deadLetters.size(), broker.pending()) : null;
            printHeader(plan, broker, resumed);
            return run(plan, broker, ledger, published, deadLetters, resumed);
        }
    }

    private Broker openBroker() {
        return switch (options.broker()) {
            case ARTEMIS -> ArtemisBroker.start(options.dataDir().resolve("artemis"), options.maxDeliveries(),
                    options.resume());
            case RABBITMQ -> RabbitMqBroker.connect(RabbitMqBroker.DEFAULT_URI, options.maxDeliveries());
        };
    }

    private DemoSummary run(MessagePlan plan, Broker broker, ProcessedLedger ledger, PublishedCount published,
                            JsonLinesDeadLetterFile deadLetters, DemoSummary.Resumed resumed) throws Exception {
        SupervisionStats stats = new SupervisionStats(ROOT, WORKERS);
        LongAdder crashedRuns = new LongAdder();
        Producer producer = new Producer(broker, plan, options.rate(), published);
        Supervisor workers = buildWorkers(broker, ledger, plan, crashedRuns);
        Supervisor.Builder rootBuilder = Supervisor.builder(ROOT).onEvent(stats);
        if (options.brokenWorker()) {
            rootBuilder.maxRestarts(1, Duration.ofSeconds(30));   // a child supervisor that gives up twice ends the tree
        }
        Supervisor root = rootBuilder.build();
        // The ordered start (OTP's synchronous init): the producer starts only once every worker is
        // connected and has said so with ctx.ready(), so no message waits for a consumer.
        root.add(ChildSpec.of(WORKERS, workers).withStartTimeout(Duration.ofSeconds(30)));
        root.add("dead-letters", new DeadLetterArchiver(broker, deadLetters));
        root.add(ChildSpec.of("producer", producer).withRestart(Restart.TRANSIENT));
        if (options.brokenWorker()) {
            root.add(CONNECTOR, brokenConnector());
        }

        CpuMeter cpu = new CpuMeter();
        long startNanos = System.nanoTime();   // the run starts with supervision, after the JVM's warm-up
        DemoSummary.Outcome outcome;
        StopReport report;
        boolean eventsComplete;
        AutoCloseable view = observe.start(root, out);   // --observe; closed after the progress line
        try (view; ProgressLine progress = new ProgressLine(out, options.progress().resolve(), columns,
                () -> snapshot(startNanos, plan, ledger, deadLetters, stats, workers, cpu))) {
            try {
                root.start();
                progress.start();
                outcome = awaitDrained(broker, plan, producer, ledger, deadLetters, root, startNanos);
                awaitCrashesReported(stats, crashedRuns);
            } finally {
                // Never leave the tree running, not even when interrupted: clear the flag so that
                // stop() can wait for the children, then restore it.
                boolean interrupted = Thread.interrupted();
                report = root.stop();
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
            // Events arrive a little after the fact; the root's termination is the last one.
            eventsComplete = stats.awaitRootTerminated(Duration.ofSeconds(5));
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - startNanos);
        String terminationCause = outcome != DemoSummary.Outcome.TERMINATED ? null
                : root.terminationCause().map(QueueDemo::describe).orElse("unknown");
        deadLetters.close();   // closed before it is read back
        List<DeadLetter> letters = JsonLinesDeadLetterFile.read(deadLetters.path());
        return new DemoSummary(elapsed, outcome, terminationCause,
                accountFor(plan, producer, ledger, broker, letters, deadLetters.path()),
                supervision(plan, stats, eventsComplete), report, broker.description(), resumed);
    }

    private Supervisor buildWorkers(Broker broker, ProcessedLedger ledger, MessagePlan plan,
                                    LongAdder crashedRuns) {
        Supervisor workers = Supervisor.builder(WORKERS)
                .failureThreshold(options.failureThreshold())
                .failureDecay(options.failureDecay())
                .failureBackoff(options.failureBackoff())
                // A worker ends within one poll (100 ms) of a stop; a wedged one is reported, not waited for.
                .shutdownTimeout(Duration.ofSeconds(5))
                .build();
        OrderParser parser = new OrderParser();
        // Fault injection: the plan says which messages crash their first delivery after processing.
        Predicate<Message> crashBeforeAck = m -> !m.redelivered() && plan.get(m.id()).crashBeforeAck();
        for (int i = 1; i <= options.workers(); i++) {
            workers.add(ChildSpec.of("worker-" + i, new OrderWorker(broker, parser, ledger, options.work(),
                    crashBeforeAck, crashedRuns)).withStartTimeout(Duration.ofSeconds(10)));
        }
        return workers;
    }

    /**
     * {@code --broken-worker}: a worker that can never succeed, under a supervisor that gives up
     * after 3 restarts in 10 s. The root restarts that supervisor once (its own limit is 1 restart
     * in 30 s); when it gives up again the root gives up too, and the whole tree terminates with a
     * RestartIntensityException whose causes are the connector's and the worker's. The failure
     * threshold is off here: the worker's own backoff paces it, and restart intensity decides.
     */
    private static Supervisor brokenConnector() {
        Supervisor connector = Supervisor.builder(CONNECTOR).failureThreshold(Double.POSITIVE_INFINITY)
                .maxRestarts(3, Duration.ofSeconds(10)).build();
        // Its own exponential backoff (200 ms, 400 ms, 800 ms...) spreads the attempts over a few
        // seconds, so the run is visibly under way when the tree gives up.
        connector.add(ChildSpec.of("worker-broken", ctx -> {
            throw new IllegalStateException("cannot connect to the orders database: authentication refused");
        }).withBackoff(Duration.ofMillis(200), Duration.ofSeconds(2), 0.2));
        return connector;
    }

    /**
     * Waits until every message was published, and processed or archived as a dead letter, and the
     * broker holds nothing more (no redelivery of a processed message still on its way).
     */
    private DemoSummary.Outcome awaitDrained(Broker broker, MessagePlan plan, Producer producer, ProcessedLedger ledger,
                                             JsonLinesDeadLetterFile deadLetters, Supervisor root, long startNanos)
            throws InterruptedException {
        long deadline = startNanos + options.timeout().toNanos();
        while (true) {
            if (producer.published() == plan.size() && ledger.size() + deadLetters.size() >= plan.size()
                    && broker.pending() == 0) {
                return DemoSummary.Outcome.DRAINED;
            }
            if (stopRequested) {
                return DemoSummary.Outcome.STOPPED;
            }
            if (root.state() == SupervisorState.TERMINATED) {
                return DemoSummary.Outcome.TERMINATED;
            }
            if (System.nanoTime() - deadline > 0) {
                return DemoSummary.Outcome.TIMED_OUT;
            }
            Thread.sleep(DRAIN_CHECK_MILLIS);   // a check of counters, not a wait for an event: polling is fine
        }
    }

    /**
     * The last crash hands its message back (and so drains the queue) in its run's {@code finally},
     * a moment before the run ends and Arbor sees it. Stopping the tree in that moment would turn
     * the crash into a stop (a run that ends after a stop request is stopped, not failed), and the
     * summary would miss it; so wait, briefly, until Arbor has reported every run that crashed.
     */
    private static void awaitCrashesReported(SupervisionStats stats, LongAdder crashedRuns)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (stats.crashes() < crashedRuns.sum() && System.nanoTime() - deadline < 0) {
            Thread.sleep(5);
        }
    }

    private ProgressLine.Snapshot snapshot(long startNanos, MessagePlan plan, ProcessedLedger ledger,
                                           JsonLinesDeadLetterFile deadLetters, SupervisionStats stats, Supervisor workers,
                                           CpuMeter cpu) {
        int running = 0;
        for (ChildInfo child : workers.children()) {
            running += child.state() == ChildState.RUNNING ? 1 : 0;
        }
        return new ProgressLine.Snapshot(Duration.ofNanos(System.nanoTime() - startNanos), ledger.size(), plan.size(),
                deadLetters.size(), stats.crashes(), stats.restarts(), stats.backoffs(), workers.state(),
                running, options.workers(), cpu.percentSinceLastReading());
    }

    private DemoSummary.Messages accountFor(MessagePlan plan, Producer producer, ProcessedLedger ledger,
                                            Broker broker, List<DeadLetter> letters, Path file) {
        Set<Long> processed = ledger.ids();
        Set<Long> deadLettered = new HashSet<>();
        int deadLetteredTwice = 0;
        int deadLetteredValid = 0;
        int deadLetteredEarly = 0;
        for (DeadLetter letter : letters) {
            if (!deadLettered.add(letter.messageId())) {
                deadLetteredTwice++;
            }
            if (plan.get(letter.messageId()).kind() == MessagePlan.Kind.VALID) {
                deadLetteredValid++;
            }
            if (letter.deliveries() < options.maxDeliveries()) {
                deadLetteredEarly++;
            }
        }
        Set<Long> unfinished = broker.pendingIds();   // every session is closed: the tree has stopped
        Set<Long> both = new TreeSet<>(processed);
        both.retainAll(deadLettered);
        // Lost: published, and neither processed, nor dead-lettered, nor still in the queue.
        Set<Long> lost = new TreeSet<>();
        for (long id = 1; id <= producer.published(); id++) {
            if (!processed.contains(id) && !deadLettered.contains(id) && !unfinished.contains(id)) {
                lost.add(id);
            }
        }
        return new DemoSummary.Messages(plan.size(), producer.published(), plan.count(MessagePlan.Kind.VALID),
                plan.count(MessagePlan.Kind.MALFORMED), plan.count(MessagePlan.Kind.POISON), plan.crashBeforeAckCount(),
                processed.size(), ledger.duplicates(), ledger.totalCents(), plan.expectedTotalCents(),
                letters.size(), deadLetteredTwice, deadLetteredValid, deadLetteredEarly, both.size(), unfinished.size(),
                List.copyOf(lost), file, options.maxDeliveries());
    }

    private DemoSummary.Supervision supervision(MessagePlan plan, SupervisionStats stats, boolean eventsComplete) {
        long expectedCrashes = (long) plan.expectedDeadLetters() * options.maxDeliveries() + plan.crashBeforeAckCount();
        return new DemoSummary.Supervision(stats.crashes(), expectedCrashes, stats.restarts(), stats.backoffs(),
                stats.timeInBackoff(), stats.peakFailures(), options.failureThreshold(), options.failureDecay(),
                options.failureBackoff(), stats.crashCauses(),
                stats.exampleCauses().values().stream().map(QueueDemo::describe).toList(), stats.otherFailures(),
                stats.firstOtherFailure().map(QueueDemo::describe).orElse(null), eventsComplete);
    }

    private void printHeader(MessagePlan plan, Broker broker, DemoSummary.Resumed resumed) {
        String rate = options.rate() == 0 ? "as fast as possible" : fmt("%s/s", number(options.rate()));
        out.println(fmt("Arbor queue demo: %d messages at %s to %d workers; %d malformed, a burst of %d poison at #%d, "
                        + "%d crash before their ack",
                plan.size(), rate, options.workers(), plan.count(MessagePlan.Kind.MALFORMED),
                plan.count(MessagePlan.Kind.POISON), plan.burstStartId(), plan.crashBeforeAckCount()));
        out.println(fmt("Supervisor \"%s\": failureThreshold %s, failureDecay %s, failureBackoff %s (+ up to 50%% "
                        + "jitter); the broker dead-letters a message after %d deliveries",
                WORKERS, number(options.failureThreshold()), DemoSummary.duration(options.failureDecay()),
                DemoSummary.duration(options.failureBackoff()), options.maxDeliveries()));
        out.println("Broker: " + broker.description());
        out.println("Dead letters: " + options.deadLetterFile().toAbsolutePath().normalize());
        if (resumed != null) {
            out.println(fmt("Resuming: %d published, %d processed and %d dead-lettered before, %d messages on the broker",
                    resumed.published(), resumed.processed(), resumed.deadLettered(), resumed.onBroker()));
        }
        out.flush();
    }

    /** The supervisor of the {@code --broken-worker} that gives up. */
    static final String CONNECTOR = "connector";

    private static String describe(Throwable t) {
        String text = t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }

    private static String number(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    private static String fmt(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
