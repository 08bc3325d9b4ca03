package dev.arbor.examples;

import dev.arbor.examples.broker.DeadLetter;
import dev.arbor.examples.broker.InMemoryQueue;
import dev.arbor.examples.broker.Message;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** One worker run at a time, called directly: what it acknowledges, what it lets crash. */
class OrderWorkerTest {
    private static final String VALID = "{\"customer\":\"c-1\",\"sku\":\"TEA-GREEN\",\"quantity\":2,\"unitPriceCents\":650}";

    private final List<DeadLetter> letters = new CopyOnWriteArrayList<>();
    private final InMemoryQueue queue = new InMemoryQueue(2, letters::add);
    private final ProcessedLedger ledger = new ProcessedLedger();
    private final LongAdder crashedRuns = new LongAdder();

    private OrderWorker worker(Predicate<Message> crashBeforeAck) {
        return new OrderWorker(queue, new OrderParser(), ledger, Duration.ZERO, crashBeforeAck, crashedRuns);
    }

    /** A run that ends (as if stopped) once nothing is left in the queue. */
    private StubContext untilDrained() {
        return new StubContext("worker-1", () -> queue.unfinishedIds().isEmpty());
    }

    @Test
    void processesAndAcknowledgesValidMessages() throws Exception {
        queue.publish(1, VALID);
        queue.publish(2, VALID);

        worker(m -> false).serve(untilDrained());

        assertThat(ledger.ids()).containsExactlyInAnyOrder(1L, 2L);
        assertThat(ledger.totalCents()).isEqualTo(2 * 1300);
        assertThat(queue.stats().acknowledged()).isEqualTo(2);
        assertThat(queue.stats().sessions()).as("the run closed its session").isZero();
        assertThat(crashedRuns.sum()).isZero();
    }

    @Test
    void aMalformedMessageCrashesTheRunAndGoesBackToTheQueueWithTheCause() throws Exception {
        queue.publish(1, "{\"customer\":");
        OrderWorker worker = worker(m -> false);

        assertThatThrownBy(() -> worker.serve(untilDrained())).isInstanceOf(MalformedMessageException.class)
                .hasMessageStartingWith("message 1 is malformed: ");
        assertThat(queue.unfinishedIds()).as("requeued, not lost").containsExactly(1L);

        assertThatThrownBy(() -> worker.serve(untilDrained())).isInstanceOf(MalformedMessageException.class);
        assertThat(letters).singleElement().satisfies(letter -> {
            assertThat(letter.deliveries()).isEqualTo(2);
            assertThat(letter.reason()).startsWith("MalformedMessageException: message 1 is malformed");
        });
        assertThat(ledger.size()).isZero();
        assertThat(crashedRuns.sum()).isEqualTo(2);
    }

    @Test
    void aRedeliveryOfAProcessedMessageIsAcknowledgedWithoutProcessingItAgain() throws Exception {
        queue.publish(1, VALID);
        OrderWorker worker = worker(m -> !m.redelivered());   // the first delivery crashes before its ack

        assertThatThrownBy(() -> worker.serve(untilDrained())).isInstanceOf(SimulatedCrashException.class);
        assertThat(ledger.ids()).containsExactly(1L);
        assertThat(queue.unfinishedIds()).containsExactly(1L);

        worker.serve(untilDrained());

        assertThat(ledger.size()).isEqualTo(1);
        assertThat(ledger.duplicates()).isEqualTo(1);
        assertThat(ledger.totalCents()).as("counted once").isEqualTo(1300);
        assertThat(letters).isEmpty();
    }

    @Test
    void argumentsAreValidated() {
        OrderParser parser = new OrderParser();
        assertThatThrownBy(() -> new OrderWorker(null, parser, ledger, Duration.ZERO, m -> false, crashedRuns))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("queue");
        assertThatThrownBy(() -> new OrderWorker(queue, parser, ledger, Duration.ofMillis(-1), m -> false, crashedRuns))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("workTime");
        assertThatThrownBy(() -> new OrderWorker(queue, parser, ledger, Duration.ZERO, null, crashedRuns))
                .isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new OrderWorker(queue, parser, ledger, Duration.ZERO, m -> false, null))
                .isInstanceOf(NullPointerException.class);
    }
}
