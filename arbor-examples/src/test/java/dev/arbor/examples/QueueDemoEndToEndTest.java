package dev.arbor.examples;

import dev.arbor.examples.broker.DeadLetter;
import dev.arbor.examples.broker.JsonLinesDeadLetterFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole demo, small and fast, on the real Arbor engine and the system clock. Timing varies
 * from run to run; what is asserted does not: the plan fixes which messages are valid, and the
 * broker's delivery limit fixes how often each bad one crashes a worker. The broker is the
 * default one, Artemis, embedded in the test's JVM with its journal in a temporary directory. The only real-time bound
 * is the test's timeout.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class QueueDemoEndToEndTest {
    @TempDir
    Path dir;

    @Test
    void everyMessageIsProcessedOrDeadLetteredAndTheNumbersAddUp() throws Exception {
        Path deadLetters = dir.resolve("dead.jsonl");
        // A failure count that barely decays (one-hour half-life) exceeds the threshold of 5 at the
        // 6th counted failure, however slow the machine: the 60 crashes of the burst guarantee backoffs.
        DemoOptions options = DemoOptions.parse("--messages", "300", "--malformed-share", "0.1", "--workers", "4",
                "--burst", "20", "--rate", "0", "--work", "0", "--crash-before-ack-share", "0.05",
                "--failure-threshold", "5", "--failure-decay", "60m",
                "--failure-backoff", "10ms", "--timeout", "60s", "--progress", "off", "--dead-letter",
                deadLetters.toString(), "--data-dir", dir.resolve("data").toString());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        DemoSummary summary = new QueueDemo(options, new PrintStream(bytes, true, StandardCharsets.UTF_8), 0).run();

        MessagePlan plan = MessagePlan.generate(300, 0.1, 20, 0.05, options.seed());
        DemoSummary.Messages m = summary.messages();
        assertThat(summary.outcome()).isEqualTo(DemoSummary.Outcome.DRAINED);
        assertThat(m.published()).isEqualTo(300);
        assertThat(m.processed()).isEqualTo(plan.count(MessagePlan.Kind.VALID)).isEqualTo(252);
        assertThat(m.deadLettered()).isEqualTo(plan.expectedDeadLetters()).isEqualTo(48);
        assertThat(m.processed() + m.deadLettered()).isEqualTo(m.published());
        assertThat(m.lost()).isEmpty();
        assertThat(m.stillQueued()).isZero();
        assertThat(m.processedAndDeadLettered()).isZero();
        assertThat(m.duplicatesSkipped()).as("each crash-before-ack message came back once")
                .isEqualTo(plan.crashBeforeAckCount()).isEqualTo(13);
        assertThat(m.totalCents()).as("idempotent: no order counted twice").isEqualTo(plan.expectedTotalCents());
        assertThat(summary.stopReport().clean()).isTrue();
        assertThat(summary.problems()).isEmpty();
        assertThat(summary.exitCode()).isZero();

        DemoSummary.Supervision s = summary.supervision();
        assertThat(s.eventsComplete()).isTrue();
        assertThat(s.crashes()).as("every delivery of a bad message crashed, and each crash-before-ack once")
                .isEqualTo(48L * 3 + 13).isEqualTo(s.expectedCrashes());
        assertThat(s.crashCauses()).containsEntry("MalformedMessageException", 48L * 3)
                .containsEntry("SimulatedCrashException", 13L);
        assertThat(s.restarts()).isBetween(s.crashes() - options.workers(), s.crashes());
        assertThat(s.backoffs()).isPositive();
        assertThat(s.otherFailures()).isZero();

        assertThat(JsonLinesDeadLetterFile.read(deadLetters)).hasSize(48)
                .allSatisfy(letter -> assertThat(plan.get(letter.messageId()).kind()).isNotEqualTo(MessagePlan.Kind.VALID))
                .extracting(DeadLetter::deliveries).containsOnly(3);
        assertThat(bytes.toString(StandardCharsets.UTF_8)).startsWith("Arbor queue demo: 300 messages")
                .contains("Broker: Apache ActiveMQ Artemis");
        assertThat(summary.broker()).startsWith("Apache ActiveMQ Artemis 2.55.0 (embedded; journal in ");
        assertThat(JsonLinesDeadLetterFile.read(deadLetters)).extracting(DeadLetter::reason)
                .allSatisfy(reason -> assertThat(reason).startsWith("MalformedMessageException: message "));
    }

    /**
     * Issue 9 item 6: {@code --broken-worker} adds a worker that can never succeed under a
     * supervisor that gives up; the failure escalates through the root, which gives up too, and the
     * demo ends TERMINATED with the cause chain and exit status 3, leaving nothing running.
     */
    @Test
    void aBrokenWorkerEscalatesUntilTheTreeTerminatesWithTheCauseChain() throws Exception {
        DemoOptions options = DemoOptions.parse("--messages", "200", "--rate", "50", "--work", "0", "--timeout", "60s",
                "--progress", "off", "--broken-worker", "--dead-letter", dir.resolve("dead.jsonl").toString(),
                "--data-dir", dir.resolve("data").toString());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        DemoSummary summary = new QueueDemo(options, new PrintStream(bytes, true, StandardCharsets.UTF_8), 0).run();

        assertThat(summary.outcome()).isEqualTo(DemoSummary.Outcome.TERMINATED);
        assertThat(summary.exitCode()).isEqualTo(DemoSummary.TREE_TERMINATED).isEqualTo(3);
        assertThat(summary.terminationCause())
                .startsWith("RestartIntensityException: supervisor \"queue-demo\" gave up: more than 1 restart within PT30S")
                .contains("supervisor \"connector\" gave up: more than 3 restarts within PT10S")
                .contains("cannot connect to the orders database");
        assertThat(summary.stopReport().clean()).as("the tree stopped everything as it terminated").isTrue();
        assertThat(summary.supervision().otherFailures()).as("the connector's worker: 4 runs, twice; the connector: once")
                .isGreaterThanOrEqualTo(9);
    }
}
