package dev.arbor.examples;

import dev.arbor.StopReport;
import dev.arbor.UnstoppedService;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What a run of the demo did, and whether its numbers add up. {@link #problems()} lists every
 * check that failed; the demo exits with 0 only when there are none.
 *
 * @param elapsed          how long the run took, shutdown included
 * @param outcome          how the wait for the queue to drain ended
 * @param terminationCause why the tree terminated, when {@code outcome} is TERMINATED; else null
 * @param messages         where every message went
 * @param supervision      what Arbor reported
 * @param stopReport       what {@code stop()} on the root returned
 * @param broker           the broker the run used, in a few words
 * @param resumed          what a killed run had done before this one carried on; null for a fresh run
 */
public record DemoSummary(Duration elapsed, Outcome outcome, String terminationCause, Messages messages,
                          Supervision supervision, StopReport stopReport, String broker, Resumed resumed) {

    /**
     * What this run found when it resumed after a killed one ({@code --resume}).
     *
     * @param published    messages the killed run had published
     * @param processed    ids in the processed ledger
     * @param deadLettered letters in the dead-letter file
     * @param onBroker     messages the broker still held
     */
    public record Resumed(long published, long processed, long deadLettered, long onBroker) {}

    /** How the wait for the queue to drain ended. */
    public enum Outcome {
        /** Every message was published and then acknowledged or dead-lettered. */
        DRAINED,
        /** The queue still held messages when {@code --timeout} ran out. */
        TIMED_OUT,
        /** The root supervisor terminated on its own. */
        TERMINATED,
        /** A stop was requested (SIGTERM) before every message was accounted for. */
        STOPPED
    }

    /**
     * Where the messages went.
     *
     * @param planned                  messages the plan holds
     * @param published                messages the producer published
     * @param valid                    planned valid messages
     * @param malformed                planned malformed messages
     * @param poison                   planned poison messages
     * @param crashBeforeAck           valid messages whose first delivery crashes after processing
     * @param processed                distinct message ids processed
     * @param duplicatesSkipped        redeliveries of processed messages, recognised by id
     * @param totalCents               sum of the processed orders
     * @param expectedTotalCents       sum of the valid orders in the plan
     * @param deadLettered             lines in the dead-letter file
     * @param deadLetteredTwice        lines for a message id already in the file
     * @param deadLetteredValid        lines for a valid message
     * @param deadLetteredEarly        lines for a message with fewer deliveries than the limit
     * @param processedAndDeadLettered ids both processed and dead-lettered
     * @param stillQueued              ids the queue still held at the end
     * @param lost                     ids published and found nowhere
     * @param deadLetterFile           the dead-letter file
     * @param maxDeliveries            the dead-letter limit
     */
    public record Messages(int planned, long published, int valid, int malformed, int poison, int crashBeforeAck,
                           long processed, long duplicatesSkipped, long totalCents, long expectedTotalCents,
                           long deadLettered, long deadLetteredTwice, long deadLetteredValid, long deadLetteredEarly,
                           long processedAndDeadLettered, long stillQueued, List<Long> lost, Path deadLetterFile,
                           int maxDeliveries) {
        /** Copies the list; rejects nulls. */
        public Messages {
            lost = List.copyOf(lost);
            Objects.requireNonNull(deadLetterFile, "deadLetterFile must not be null");
        }
    }

    /**
     * What Arbor's events said about the workers' supervisor.
     *
     * @param crashes         worker runs that failed ({@code ServiceFailed})
     * @param expectedCrashes what the plan implies: each dead letter crashed every delivery, each
     *                        crash-before-ack message once
     * @param restarts        worker runs that were restarts ({@code ServiceStarted}, restarts > 0)
     * @param backoffs        {@code BackoffStarted} events
     * @param timeInBackoff   the sum of their delays
     * @param peakFailures    the highest decayed failure count reported
     * @param threshold       the failure threshold
     * @param decay           the failure count's half-life
     * @param backoff         the configured backoff, before jitter
     * @param crashCauses     worker crashes by the simple class name of what they threw
     * @param examples        the first crash of each cause, in one line each
     * @param otherFailures   failures of anything but a worker
     * @param otherFailure    what the first of those threw, in one line; null if none
     * @param eventsComplete  whether the root's termination event arrived, so the counts are final
     */
    public record Supervision(long crashes, long expectedCrashes, long restarts, long backoffs, Duration timeInBackoff,
                              double peakFailures, double threshold, Duration decay, Duration backoff,
                              Map<String, Long> crashCauses, List<String> examples, long otherFailures,
                              String otherFailure, boolean eventsComplete) {
        /** Copies the collections; rejects nulls (but otherFailure). */
        public Supervision {
            crashCauses = Collections.unmodifiableMap(new TreeMap<>(crashCauses));
            examples = List.copyOf(examples);
            Objects.requireNonNull(timeInBackoff, "timeInBackoff must not be null");
            Objects.requireNonNull(decay, "decay must not be null");
            Objects.requireNonNull(backoff, "backoff must not be null");
        }
    }

    /** Rejects nulls (but terminationCause and resumed). */
    public DemoSummary {
        Objects.requireNonNull(broker, "broker must not be null");
        Objects.requireNonNull(elapsed, "elapsed must not be null");
        Objects.requireNonNull(outcome, "outcome must not be null");
        Objects.requireNonNull(messages, "messages must not be null");
        Objects.requireNonNull(supervision, "supervision must not be null");
        Objects.requireNonNull(stopReport, "stopReport must not be null");
    }

    /** True when every message is processed or dead-lettered: none lost, none left in the queue. */
    public boolean nothingLost() {
        return messages.lost.isEmpty() && messages.stillQueued == 0 && messages.published == messages.planned
                && messages.processed + messages.deadLettered == messages.published;
    }

    /** Every check that failed, in words; empty when the run is good. */
    public List<String> problems() {
        Messages m = messages;
        List<String> problems = new ArrayList<>();
        switch (outcome) {
            case TIMED_OUT -> problems.add("the queue did not drain before --timeout; " + m.stillQueued + " messages still queued");
            case TERMINATED -> problems.add("the supervision tree terminated: " + terminationCause);
            case STOPPED -> problems.add("stopped by a signal before every message was accounted for; "
                    + m.stillQueued + " messages left on the broker");
            case DRAINED -> { }
        }
        if (m.published != m.planned) {
            problems.add("only " + m.published + " of " + m.planned + " messages were published");
        }
        if (!m.lost.isEmpty()) {
            problems.add(m.lost.size() + " messages lost, ids " + sample(m.lost));
        }
        if (m.processed + m.deadLettered != m.published) {
            problems.add("processed + dead-lettered = " + (m.processed + m.deadLettered) + ", but " + m.published
                    + " were published");
        }
        if (m.processedAndDeadLettered > 0) {
            problems.add(m.processedAndDeadLettered + " messages were both processed and dead-lettered");
        }
        if (m.deadLetteredTwice > 0) {
            problems.add(m.deadLetteredTwice + " messages were dead-lettered twice");
        }
        if (m.deadLetteredValid > 0) {
            problems.add(m.deadLetteredValid + " valid messages were dead-lettered");
        }
        if (m.deadLetteredEarly > 0) {
            problems.add(m.deadLetteredEarly + " messages were dead-lettered before their " + m.maxDeliveries
                    + " deliveries");
        }
        if (m.totalCents != m.expectedTotalCents && m.published == m.planned && outcome == Outcome.DRAINED) {
            problems.add("the processed orders add up to " + money(m.totalCents) + ", not " + money(m.expectedTotalCents));
        }
        if (!supervision.eventsComplete) {
            problems.add("the root supervisor's SupervisorTerminated event did not arrive within 5 s");
        } else if (outcome == Outcome.DRAINED && resumed == null && supervision.crashes != supervision.expectedCrashes) {
            problems.add("Arbor reported " + supervision.crashes + " worker crashes, but the messages explain "
                    + supervision.expectedCrashes);
        }
        if (!stopReport.clean()) {
            problems.add("left running after stop(): " + stopReport.unstopped().stream()
                    .map(DemoSummary::describe).collect(Collectors.joining(", ")));
        }
        return problems;
    }

    /**
     * 0 when there are no {@linkplain #problems() problems}; {@link #TREE_TERMINATED} when the tree
     * terminated by itself; else 1.
     */
    public int exitCode() {
        if (outcome == Outcome.TERMINATED) {
            return TREE_TERMINATED;
        }
        return problems().isEmpty() ? 0 : 1;
    }

    /** The exit status when the supervision tree terminated by itself (for example {@code --broken-worker}). */
    public static final int TREE_TERMINATED = 3;

    /**
     * Prints the summary.
     *
     * @throws NullPointerException if out is null
     */
    public void print(PrintStream out) {
        Objects.requireNonNull(out, "out must not be null");
        Messages m = messages;
        Supervision s = supervision;
        out.println();
        out.println(fmt("Summary after %.1f s on %s", elapsed.toMillis() / 1000.0, broker));
        if (resumed != null) {
            out.println(fmt("  resumed after a kill: %d published, %d processed, %d dead-lettered by the killed run;"
                    + " the counts below cover both runs", resumed.published, resumed.processed, resumed.deadLettered));
        }
        out.println(fmt("  produced       %6d  = %d valid + %d malformed + %d poison", m.published, m.valid, m.malformed,
                m.poison));
        out.println(fmt("  processed      %6d  each id once; %d redeliveries of processed messages skipped", m.processed,
                m.duplicatesSkipped));
        out.println(fmt("  dead-lettered  %6d  after %d deliveries each, %d lines in %s", m.deadLettered,
                m.maxDeliveries, m.deadLettered, m.deadLetterFile));
        out.println(fmt("  lost           %6d  produced = processed + dead-lettered: %d %s %d + %d", m.lost.size(),
                m.published, m.processed + m.deadLettered == m.published ? "=" : "!=", m.processed, m.deadLettered));
        if (m.stillQueued > 0) {
            out.println(fmt("  still queued   %6d", m.stillQueued));
        }
        out.println(fmt("  order total  %s  %s", money(m.totalCents),
                m.totalCents == m.expectedTotalCents ? "= the valid orders sent, each counted once"
                        : "!= " + money(m.expectedTotalCents) + " sent"));
        out.println();
        out.println(fmt("Supervision (\"%s\": failureThreshold %s, failureDecay %s, failureBackoff %s)",
                QueueDemo.WORKERS, number(s.threshold), duration(s.decay), duration(s.backoff)));
        if (resumed == null) {
            out.println(fmt("  crashes        %6d  %s %d dead letters x %d deliveries + %d crashes before ack", s.crashes,
                    s.crashes == s.expectedCrashes ? "=" : "!= (expected " + s.expectedCrashes + ")",
                    m.malformed + m.poison, m.maxDeliveries, m.crashBeforeAck));
        } else {
            out.println(fmt("  crashes        %6d  in this run (the killed run's are not counted)", s.crashes));
        }
        out.println(fmt("  restarts       %6d", s.restarts));
        out.println(fmt("  backoffs       %6d  %.1f s with crashing workers parked instead of spinning; peak failure count %.1f",
                s.backoffs, s.timeInBackoff.toMillis() / 1000.0, s.peakFailures));
        if (!s.crashCauses.isEmpty()) {
            out.println("  by cause         " + s.crashCauses.entrySet().stream()
                    .map(e -> e.getValue() + " " + e.getKey()).collect(Collectors.joining(", ")));
        }
        s.examples.forEach(example -> out.println("    e.g. " + example));
        if (s.otherFailures > 0) {
            out.println(fmt("  other failures %6d  outside the workers (producer, archiver, child supervisors), e.g. %s", s.otherFailures,
                    s.otherFailure));
        }
        if (!s.eventsComplete) {
            out.println("  (the root's termination event did not arrive within 5 s; event counts may be short)");
        }
        out.println("  stop report    " + (stopReport.clean() ? "clean: nothing left running"
                : "NOT clean: " + stopReport.unstopped().stream().map(DemoSummary::describe)
                        .collect(Collectors.joining(", "))));
        out.println();
        List<String> problems = problems();
        if (problems.isEmpty()) {
            out.println("OK: every message processed or dead-lettered, none lost, none counted twice, nothing left running.");
        } else {
            out.println("FAILED:");
            problems.forEach(p -> out.println("  - " + p));
        }
        out.flush();
    }

    /** {@code 250ms}, {@code 2s}, {@code 1.5s}: the flag syntax, so the text can be pasted back. */
    static String duration(Duration d) {
        long millis = d.toMillis();
        if (millis % 1000 != 0 || millis == 0) {
            return millis + "ms";
        }
        return (millis / 1000) + "s";
    }

    private static String describe(UnstoppedService u) {
        return String.join("/", u.path()) + "/" + u.name();
    }

    private static String sample(List<Long> ids) {
        return ids.size() <= 10 ? ids.toString()
                : ids.subList(0, 10).toString().replace("]", ", ... ]");
    }

    private static String money(long cents) {
        return fmt("%,d.%02d", cents / 100, cents % 100);
    }

    private static String number(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    private static String fmt(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
