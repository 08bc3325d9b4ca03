package dev.arbor.examples;

import dev.arbor.StopReport;
import dev.arbor.UnstoppedService;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The checks behind the exit status: each kind of loss or leftover makes the run fail. */
class DemoSummaryTest {
    private static final StopReport CLEAN = new StopReport(List.of());

    /** 100 published: 90 processed, 10 dead-lettered. */
    private static DemoSummary.Messages messages(long processed, long deadLettered, long stillQueued, List<Long> lost,
                                                 long both, long totalCents) {
        return new DemoSummary.Messages(100, 100, 90, 6, 4, 2, processed, 2, totalCents, 9000, deadLettered, 0, 0, 0,
                both, stillQueued, lost, Path.of("dead.jsonl"), 3);
    }

    private static final DemoSummary.Supervision SUPERVISION = new DemoSummary.Supervision(32, 32, 32, 2,
            Duration.ofSeconds(1), 21.5, 20, Duration.ofMillis(250), Duration.ofMillis(500),
            Map.of("MalformedMessageException", 30L, "SimulatedCrashException", 2L),
            List.of("MalformedMessageException: message 3 is malformed"), 0, null, true);

    private static DemoSummary summary(DemoSummary.Outcome outcome, DemoSummary.Messages m, StopReport report) {
        return new DemoSummary(Duration.ofSeconds(3), outcome, outcome == DemoSummary.Outcome.TERMINATED ? "boom" : null,
                m, SUPERVISION, report, "Test broker 1.0", null);
    }

    @Test
    void aRunWhereEverythingAddsUpExitsZeroAndSaysSo() {
        DemoSummary ok = summary(DemoSummary.Outcome.DRAINED, messages(90, 10, 0, List.of(), 0, 9000), CLEAN);
        assertThat(ok.problems()).isEmpty();
        assertThat(ok.nothingLost()).isTrue();
        assertThat(ok.exitCode()).isZero();

        String printed = print(ok);
        assertThat(printed).contains("produced          100  = 90 valid + 6 malformed + 4 poison",
                "processed          90", "dead-lettered      10", "lost                0",
                "produced = processed + dead-lettered: 100 = 90 + 10", "crashes            32  = 10 dead letters x 3",
                "30 MalformedMessageException, 2 SimulatedCrashException", "stop report    clean",
                "OK: every message processed or dead-lettered");
    }

    @Test
    void aLostMessageFailsTheRun() {
        DemoSummary lost = summary(DemoSummary.Outcome.DRAINED, messages(89, 10, 0, List.of(17L), 0, 8900), CLEAN);
        assertThat(lost.nothingLost()).isFalse();
        assertThat(lost.exitCode()).isEqualTo(1);
        assertThat(lost.problems()).contains("1 messages lost, ids [17]",
                "processed + dead-lettered = 99, but 100 were published");
        assertThat(print(lost)).contains("FAILED:", "  - 1 messages lost, ids [17]");
    }

    @Test
    void aMessageCountedTwiceFailsTheRun() {
        DemoSummary twice = summary(DemoSummary.Outcome.DRAINED, messages(90, 11, 0, List.of(), 1, 9000), CLEAN);
        assertThat(twice.exitCode()).isEqualTo(1);
        assertThat(twice.problems()).contains("1 messages were both processed and dead-lettered");

        DemoSummary overcounted = summary(DemoSummary.Outcome.DRAINED, messages(90, 10, 0, List.of(), 0, 9100), CLEAN);
        assertThat(overcounted.problems()).containsExactly("the processed orders add up to 91.00, not 90.00");
    }

    @Test
    void aServiceLeftRunningFailsTheRun() {
        StopReport dirty = new StopReport(List.of(new UnstoppedService(List.of("queue-demo", "workers"), "worker-2")));
        DemoSummary left = summary(DemoSummary.Outcome.DRAINED, messages(90, 10, 0, List.of(), 0, 9000), dirty);
        assertThat(left.nothingLost()).isTrue();
        assertThat(left.exitCode()).isEqualTo(1);
        assertThat(left.problems()).containsExactly("left running after stop(): queue-demo/workers/worker-2");
    }

    @Test
    void aQueueThatDidNotDrainOrATreeThatTerminatedFailsTheRun() {
        DemoSummary timedOut = summary(DemoSummary.Outcome.TIMED_OUT, messages(80, 10, 10, List.of(), 0, 8000), CLEAN);
        assertThat(timedOut.nothingLost()).isFalse();
        assertThat(timedOut.problems()).first().asString().startsWith("the queue did not drain before --timeout");

        DemoSummary terminated = summary(DemoSummary.Outcome.TERMINATED, messages(90, 10, 0, List.of(), 0, 9000), CLEAN);
        assertThat(terminated.problems()).containsExactly("the supervision tree terminated: boom");
    }

    @Test
    void crashesThatTheMessagesDoNotExplainFailTheRun() {
        DemoSummary.Supervision missing = new DemoSummary.Supervision(31, 32, 31, 2, Duration.ofSeconds(1), 21.5, 20,
                Duration.ofMillis(250), Duration.ofMillis(500), Map.of(), List.of(), 0, null, true);
        DemoSummary summary = new DemoSummary(Duration.ofSeconds(3), DemoSummary.Outcome.DRAINED, null,
                messages(90, 10, 0, List.of(), 0, 9000), missing, CLEAN, "Test broker 1.0", null);
        assertThat(summary.nothingLost()).isTrue();
        assertThat(summary.problems()).containsExactly("Arbor reported 31 worker crashes, but the messages explain 32");
        assertThat(print(summary)).contains("crashes            31  != (expected 32)");
    }

    @Test
    void theSummaryNamesTheBroker() {
        assertThat(print(summary(DemoSummary.Outcome.DRAINED, messages(90, 10, 0, List.of(), 0, 9000), CLEAN)))
                .contains("Summary after 3.0 s on Test broker 1.0");
    }

    @Test
    void aStopBySignalFailsTheRunAndSaysSo() {
        DemoSummary stopped = summary(DemoSummary.Outcome.STOPPED, messages(50, 5, 45, List.of(), 0, 4500), CLEAN);
        assertThat(stopped.problems()).first().asString()
                .isEqualTo("stopped by a signal before every message was accounted for; 45 messages left on the broker");
        assertThat(stopped.exitCode()).isEqualTo(1);
    }

    @Test
    void aResumedRunChecksTheMessagesButNotTheCrashesItCouldNotSee() {
        DemoSummary.Supervision fewer = new DemoSummary.Supervision(11, 32, 11, 0, Duration.ZERO, 3, 20,
                Duration.ofMillis(250), Duration.ofMillis(500), Map.of(), List.of(), 0, null, true);
        DemoSummary.Resumed resumed = new DemoSummary.Resumed(40, 35, 3, 2);
        DemoSummary ok = new DemoSummary(Duration.ofSeconds(3), DemoSummary.Outcome.DRAINED, null,
                messages(90, 10, 0, List.of(), 0, 9000), fewer, CLEAN, "Test broker 1.0", resumed);
        assertThat(ok.problems()).isEmpty();
        assertThat(print(ok)).contains("resumed after a kill: 40 published, 35 processed, 3 dead-lettered",
                "crashes            11  in this run (the killed run's are not counted)");

        DemoSummary lost = new DemoSummary(Duration.ofSeconds(3), DemoSummary.Outcome.DRAINED, null,
                messages(89, 10, 0, List.of(7L), 0, 8900), fewer, CLEAN, "Test broker 1.0", resumed);
        assertThat(lost.problems()).contains("1 messages lost, ids [7]");
    }

    private static String print(DemoSummary summary) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        summary.print(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
