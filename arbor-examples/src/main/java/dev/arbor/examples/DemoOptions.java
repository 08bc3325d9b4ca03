package dev.arbor.examples;

import java.math.BigDecimal;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The demo's settings, from the command line. Every value is checked when the record is made,
 * and a bad one is reported with the flag that sets it.
 *
 * @param messages            messages to publish, the burst included
 * @param malformedShare      share of the regular messages that are malformed
 * @param workers             supervised worker services
 * @param burst               poison messages published at once, halfway through
 * @param rate                regular messages published per second; 0 for as fast as possible
 * @param work                simulated processing time per message
 * @param maxDeliveries       deliveries before the broker dead-letters a message
 * @param crashBeforeAckShare share of valid messages whose first delivery crashes after processing
 * @param seed                seeds the message mix
 * @param deadLetterFile      where dead letters go
 * @param failureThreshold    the workers' supervisor's {@code failureThreshold}
 * @param failureDecay        its {@code failureDecay} (half-life of the failure count)
 * @param failureBackoff      its {@code failureBackoff}
 * @param timeout             how long to wait for the queue to drain before giving up
 * @param progress            how to show progress
 * @param broker              which broker to run on
 * @param dataDir             where the broker's journal, the processed ledger and the producer's
 *                            position live
 * @param resume              carry on from what a previous (killed) run left in the data directory
 *                            and the dead-letter file, instead of starting afresh
 * @param sigkillAfter        when positive: run the demo in a child JVM, kill it with SIGKILL once
 *                            it has processed this many messages, and run it again with
 *                            {@code resume}; 0 for a plain run
 * @param brokenWorker        add a worker that can never succeed, under supervisors that give up
 *                            ({@code maxRestarts}): the failure escalates and the tree terminates
 */
public record DemoOptions(int messages, double malformedShare, int workers, int burst, double rate, Duration work,
                          int maxDeliveries, double crashBeforeAckShare, long seed, Path deadLetterFile,
                          double failureThreshold, Duration failureDecay, Duration failureBackoff, Duration timeout,
                          ProgressMode progress, BrokerKind broker, Path dataDir, boolean resume,
                          int sigkillAfter, boolean brokenWorker) {

    /** The help text for {@code --help}. */
    public static final String USAGE = """
            Usage: ./demo [flags]

            A queue-consumer service under Arbor: supervised workers parse JSON orders from a
            real message broker's queue (embedded Apache ActiveMQ Artemis by default) with
            Jackson. A malformed message crashes its worker; Arbor restarts it; the broker
            redelivers the message and, after --max-deliveries deliveries, moves it to its
            dead-letter queue, which a supervised archiver writes to a dead-letter file. Halfway
            through, a burst of poison messages trips the supervisor's failure threshold, and its
            backoff parks the crashing workers instead of letting them spin. At the end the
            numbers must add up.

            Flags (--flag value or --flag=value; the last one given wins):
              --messages N               messages to publish, burst included (default 3000)
              --malformed-share F        share of the other messages that are malformed, 0..1 (default 0.01)
              --workers N                supervised workers (default 4)
              --burst N                  poison messages in the mid-run burst (default: messages/10, at most 40)
              --rate R                   messages published per second, 0 = no limit (default 250)
              --work DURATION            simulated processing time per message (default 2ms)
              --max-deliveries N         deliveries before a message is dead-lettered (default 3)
              --crash-before-ack-share F share of valid messages whose first delivery crashes after
                                         processing and before the ack, to prove idempotency (default 0.005)
              --seed N                   seed for the message mix (default 42)
              --dead-letter PATH         dead-letter file, JSON lines (default: in the temp directory)
              --failure-threshold F      the workers' supervisor's failureThreshold (default 20)
              --failure-decay DURATION   its failureDecay, the failure count's half-life (default 250ms)
              --failure-backoff DURATION its failureBackoff (default 500ms; Arbor adds up to 50% jitter)
              --timeout DURATION         give up if the queue has not drained by then (default 60s)
              --progress MODE            auto, line, log or off (default auto: line on a terminal,
                                         else a line per second)
              --broker NAME              artemis (embedded, the default) or rabbitmq (a local server;
                                         ./demo --broker rabbitmq installs and runs one)
              --data-dir PATH            the broker's journal, the processed ledger and the producer's
                                         position (default: arbor-demo/data in the temp directory)
              --resume                   carry on from what a killed run left in --data-dir and the
                                         dead-letter file (artemis only)
              --broken-worker            add a worker that can never connect, under a "connector"
                                         supervisor that gives up after 3 restarts in 10 s, under a
                                         root that gives up after 1 restart in 30 s: the failure
                                         escalates, the tree terminates, and the demo exits with 3
              --sigkill-after N          run the demo in a child JVM, kill it with SIGKILL once it has
                                         processed N messages, run it again with --resume, and check
                                         that every message was processed or dead-lettered exactly once
            """ + ObserveFlag.USAGE + """
              -h, --help                 print this help

            Durations: 500ms, 2s, 1.5s, 1m, 0, or ISO-8601 such as PT0.5S.
            Exit status: 0 when every message was processed or dead-lettered, none twice, and
            nothing was left running; 3 when the supervision tree terminated by itself (as with
            --broken-worker); 1 otherwise; 2 for a bad command line. SIGTERM (or Ctrl-C)
            stops the tree and prints the summary so far, then exits with 143 (130 for Ctrl-C).
            """;

    /** Flags that take a value. */
    private static final Set<String> VALUE_FLAGS = Set.of("--messages", "--malformed-share",
            "--workers", "--burst", "--rate", "--work", "--max-deliveries", "--crash-before-ack-share", "--seed",
            "--dead-letter", "--failure-threshold", "--failure-decay", "--failure-backoff", "--timeout", "--progress",
            "--broker", "--data-dir", "--sigkill-after");
    /** Flags that take none. */
    private static final Set<String> SWITCHES = Set.of("--resume", "--broken-worker");

    private static final Pattern SHORT_DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m)?");

    /**
     * Checks every value.
     *
     * @throws IllegalArgumentException naming the flag, if a value is out of range
     * @throws NullPointerException     if a duration, the path or the mode is null
     */
    public DemoOptions {
        require(messages >= 1 && messages <= 10_000_000, "--messages must be in 1..10000000, was " + messages);
        requireShare("--malformed-share", malformedShare);
        require(workers >= 1 && workers <= 10_000, "--workers must be in 1..10000, was " + workers);
        require(burst >= 0 && burst <= messages, "--burst must be in 0..messages (" + messages + "), was " + burst);
        require(rate >= 0 && !Double.isInfinite(rate), "--rate must be a finite number >= 0, was " + rate);
        requireNonNegative("--work", work);
        require(maxDeliveries >= 1 && maxDeliveries <= 100, "--max-deliveries must be in 1..100, was " + maxDeliveries);
        requireShare("--crash-before-ack-share", crashBeforeAckShare);
        // Such a message is processed on its first delivery and acknowledged on its second; with a
        // single delivery it would be dead-lettered after being processed, which is no demo of anything.
        require(crashBeforeAckShare == 0 || maxDeliveries >= 2,
                "--max-deliveries must be >= 2 unless --crash-before-ack-share is 0, was " + maxDeliveries);
        Objects.requireNonNull(deadLetterFile, "--dead-letter must not be null");
        require(failureThreshold >= 0 && !Double.isInfinite(failureThreshold),
                "--failure-threshold must be a finite number >= 0, was " + failureThreshold);
        requireNonNegative("--failure-decay", failureDecay);
        requireNonNegative("--failure-backoff", failureBackoff);
        Objects.requireNonNull(timeout, "--timeout must not be null");
        require(timeout.isPositive(), "--timeout must be > 0, was " + timeout);
        Objects.requireNonNull(progress, "--progress must not be null");
        Objects.requireNonNull(broker, "--broker must not be null");
        Objects.requireNonNull(dataDir, "--data-dir must not be null");
        require(sigkillAfter >= 0 && sigkillAfter <= messages,
                "--sigkill-after must be in 0..messages (" + messages + "), was " + sigkillAfter);
        // The crash-safety check resumes on the journal it killed, and only the embedded broker's
        // journal belongs to the demo.
        require(broker == BrokerKind.ARTEMIS || (!resume && sigkillAfter == 0),
                "--resume and --sigkill-after need --broker artemis");
        require(!(resume && sigkillAfter > 0), "--resume and --sigkill-after exclude each other");
    }

    /**
     * Every default; dead letters go to {@code arbor-demo/dead-letters.jsonl} in the temp directory,
     * and the embedded Artemis broker keeps its journal in {@code arbor-demo/data} there.
     *
     * <p>The supervisor settings are tuned against the message mix: the scattered malformed
     * messages (about 2.5 a second, three crashes each) keep the decayed failure count well under
     * 20, while the burst (120 crashes back to back) exceeds it within milliseconds, several
     * times over, and each backoff parks the workers for 0.5 to 0.75 s.
     */
    public static DemoOptions defaults() {
        return new DemoOptions(3000, 0.01, 4, defaultBurst(3000), 250, Duration.ofMillis(2), 3, 0.005, 42,
                Path.of(System.getProperty("java.io.tmpdir"), "arbor-demo", "dead-letters.jsonl"),
                20, Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(60), ProgressMode.AUTO,
                BrokerKind.ARTEMIS, Path.of(System.getProperty("java.io.tmpdir"), "arbor-demo", "data"), false, 0, false);
    }

    /** True if the arguments ask for help ({@code -h} or {@code --help} anywhere). */
    public static boolean wantsHelp(String... args) {
        for (String arg : Objects.requireNonNull(args, "args must not be null")) {
            if ("-h".equals(arg) || "--help".equals(arg)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Parses a command line over the {@linkplain #defaults() defaults}.
     *
     * @throws UsageException       naming the flag and the value, for anything it cannot use
     * @throws NullPointerException if args or one of them is null
     */
    public static DemoOptions parse(String... args) throws UsageException {
        Objects.requireNonNull(args, "args must not be null");
        DemoOptions d = defaults();
        int messages = d.messages;
        double malformedShare = d.malformedShare;
        int workers = d.workers;
        Integer burst = null;   // null: follows --messages
        double rate = d.rate;
        Duration work = d.work;
        int maxDeliveries = d.maxDeliveries;
        double crashShare = d.crashBeforeAckShare;
        long seed = d.seed;
        Path deadLetter = d.deadLetterFile;
        double threshold = d.failureThreshold;
        Duration decay = d.failureDecay;
        Duration backoff = d.failureBackoff;
        Duration timeout = d.timeout;
        ProgressMode progress = d.progress;
        BrokerKind broker = d.broker;
        Path dataDir = d.dataDir;
        boolean resume = d.resume;
        int sigkillAfter = d.sigkillAfter;
        boolean brokenWorker = d.brokenWorker;

        for (int i = 0; i < args.length; i++) {
            String arg = Objects.requireNonNull(args[i], "args[" + i + "] must not be null");
            if (!arg.startsWith("--")) {
                throw new UsageException("unexpected argument '" + arg + "' (flags start with --)");
            }
            int eq = arg.indexOf('=');
            String flag = eq >= 0 ? arg.substring(0, eq) : arg;
            if (!VALUE_FLAGS.contains(flag) && !SWITCHES.contains(flag)) {
                throw new UsageException("unknown flag " + flag);
            }
            if (SWITCHES.contains(flag)) {
                if (eq >= 0) {
                    throw new UsageException(flag + " takes no value, got '" + arg.substring(eq + 1) + "'");
                }
                if (flag.equals("--resume")) {
                    resume = true;
                } else {
                    brokenWorker = true;
                }
                continue;
            }
            String value;
            if (eq >= 0) {
                value = arg.substring(eq + 1);
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                throw new UsageException(flag + " needs a value");
            }
            switch (flag) {
                case "--messages" -> messages = parseInt(flag, value);
                case "--malformed-share" -> malformedShare = parseDouble(flag, value);
                case "--workers" -> workers = parseInt(flag, value);
                case "--burst" -> burst = parseInt(flag, value);
                case "--rate" -> rate = parseDouble(flag, value);
                case "--work" -> work = parseDuration(flag, value);
                case "--max-deliveries" -> maxDeliveries = parseInt(flag, value);
                case "--crash-before-ack-share" -> crashShare = parseDouble(flag, value);
                case "--seed" -> seed = parseLong(flag, value);
                case "--dead-letter" -> deadLetter = parsePath(flag, value);
                case "--failure-threshold" -> threshold = parseDouble(flag, value);
                case "--failure-decay" -> decay = parseDuration(flag, value);
                case "--failure-backoff" -> backoff = parseDuration(flag, value);
                case "--timeout" -> timeout = parseDuration(flag, value);
                case "--progress" -> progress = parseMode(flag, value);
                case "--broker" -> broker = parseBroker(flag, value);
                case "--data-dir" -> dataDir = parsePath(flag, value);
                case "--sigkill-after" -> sigkillAfter = parseInt(flag, value);
                default -> throw new AssertionError("flag without a case: " + flag);
            }
        }
        try {
            return new DemoOptions(messages, malformedShare, workers, burst == null ? defaultBurst(messages) : burst,
                    rate, work, maxDeliveries, crashShare, seed, deadLetter, threshold, decay, backoff, timeout,
                    progress, broker, dataDir, resume, sigkillAfter, brokenWorker);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    /** A tenth of the messages, at most 40: enough to trip the threshold several times, not to dominate. */
    static int defaultBurst(int messages) {
        return Math.min(40, messages / 10);
    }

    /**
     * Parses {@code 500ms}, {@code 2s}, {@code 1.5s}, {@code 1m}, {@code 0} or ISO-8601 ({@code PT0.5S}).
     *
     * @throws UsageException naming the flag, if the text is none of those or is negative
     */
    static Duration parseDuration(String flag, String text) throws UsageException {
        String t = text.trim().toLowerCase(Locale.ROOT);
        Matcher m = SHORT_DURATION.matcher(t);
        try {
            if (m.matches()) {
                BigDecimal amount = new BigDecimal(m.group(1));
                String unit = m.group(2);
                if (unit == null && amount.signum() != 0) {
                    throw new UsageException(flag + " needs a unit (ms, s or m), got '" + text + "'");
                }
                BigDecimal millis = switch (unit == null ? "ms" : unit) {
                    case "ms" -> amount;
                    case "s" -> amount.movePointRight(3);
                    default -> amount.multiply(BigDecimal.valueOf(60_000));
                };
                return Duration.ofNanos(millis.movePointRight(6).longValueExact());
            }
            Duration d = Duration.parse(text.trim().toUpperCase(Locale.ROOT));
            if (d.isNegative()) {
                throw new UsageException(flag + " must not be negative, got '" + text + "'");
            }
            return d;
        } catch (DateTimeParseException | ArithmeticException e) {
            throw new UsageException(flag + " expects a duration such as 500ms, 2s or PT0.5S, got '" + text + "'");
        }
    }

    private static int parseInt(String flag, String text) throws UsageException {
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw new UsageException(flag + " expects a whole number, got '" + text + "'");
        }
    }

    private static long parseLong(String flag, String text) throws UsageException {
        try {
            return Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            throw new UsageException(flag + " expects a whole number, got '" + text + "'");
        }
    }

    private static double parseDouble(String flag, String text) throws UsageException {
        try {
            double value = Double.parseDouble(text.trim());
            if (Double.isNaN(value)) {
                throw new NumberFormatException();
            }
            return value;
        } catch (NumberFormatException e) {
            throw new UsageException(flag + " expects a number, got '" + text + "'");
        }
    }

    private static Path parsePath(String flag, String text) throws UsageException {
        if (text.isBlank()) {
            throw new UsageException(flag + " expects a file path, got an empty one");
        }
        try {
            return Path.of(text);
        } catch (InvalidPathException e) {
            throw new UsageException(flag + " expects a file path, got '" + text + "': " + e.getReason());
        }
    }

    private static ProgressMode parseMode(String flag, String text) throws UsageException {
        try {
            return ProgressMode.valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new UsageException(flag + " expects auto, line, log or off, got '" + text + "'");
        }
    }

    private static BrokerKind parseBroker(String flag, String text) throws UsageException {
        try {
            return BrokerKind.valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new UsageException(flag + " expects artemis or rabbitmq, got '" + text + "'");
        }
    }

    /**
     * The same options as a command line that {@link #parse} turns back into them, for the child
     * JVMs of {@code --sigkill-after}.
     */
    public List<String> toArgs() {
        List<String> args = new ArrayList<>(List.of(
                "--messages", Integer.toString(messages), "--malformed-share", Double.toString(malformedShare),
                "--workers", Integer.toString(workers), "--burst", Integer.toString(burst),
                "--rate", Double.toString(rate), "--work", work.toString(),
                "--max-deliveries", Integer.toString(maxDeliveries),
                "--crash-before-ack-share", Double.toString(crashBeforeAckShare), "--seed", Long.toString(seed),
                "--dead-letter", deadLetterFile.toString(), "--failure-threshold", Double.toString(failureThreshold),
                "--failure-decay", failureDecay.toString(), "--failure-backoff", failureBackoff.toString(),
                "--timeout", timeout.toString(), "--progress", progress.name().toLowerCase(Locale.ROOT),
                "--broker", broker.name().toLowerCase(Locale.ROOT), "--data-dir", dataDir.toString()));
        if (resume) {
            args.add("--resume");
        }
        if (brokenWorker) {
            args.add("--broken-worker");
        }
        if (sigkillAfter > 0) {
            args.add("--sigkill-after");
            args.add(Integer.toString(sigkillAfter));
        }
        return args;
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    private static void requireShare(String flag, double share) {
        require(share >= 0 && share <= 1, flag + " must be in [0, 1], was " + share);
    }

    private static void requireNonNegative(String flag, Duration d) {
        Objects.requireNonNull(d, flag + " must not be null");
        require(!d.isNegative(), flag + " must be >= 0, was " + d);
    }
}
