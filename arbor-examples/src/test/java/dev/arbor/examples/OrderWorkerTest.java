package dev.arbor.examples;

import dev.arbor.examples.broker.ArtemisBroker;
import dev.arbor.examples.broker.ConsumerSession;
import dev.arbor.examples.broker.Message;
import dev.arbor.examples.broker.Publisher;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * One worker run at a time, called directly, on an embedded Artemis broker that dead-letters after
 * two deliveries: what it acknowledges, what it lets crash.
 */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class OrderWorkerTest {
    private static final String VALID = "{\"customer\":\"c-1\",\"sku\":\"TEA-GREEN\",\"quantity\":2,\"unitPriceCents\":650}";

    @TempDir
    Path dir;

    private ArtemisBroker broker;
    private final ProcessedLedger ledger = new ProcessedLedger();
    private final LongAdder crashedRuns = new LongAdder();

    @BeforeEach
    void startBroker() {
        broker = ArtemisBroker.start(dir.resolve("artemis"), 2, false);
    }

    @AfterEach
    void stopBroker() {
        broker.close();
    }

    private OrderWorker worker(Predicate<Message> crashBeforeAck) {
        return new OrderWorker(broker, new OrderParser(), ledger, Duration.ZERO, crashBeforeAck, crashedRuns);
    }

    private void publish(long id, String body) {
        try (Publisher publisher = broker.openPublisher()) {
            publisher.publish(id, body);
        }
    }

    /** A run that ends (as if stopped) once the broker holds nothing. */
    private StubContext untilDrained() {
        return new StubContext("worker-1", () -> broker.pending() == 0);
    }

    @Test
    void processesAndAcknowledgesValidMessages() throws Exception {
        publish(1, VALID);
        publish(2, VALID);

        worker(m -> false).serve(untilDrained());

        assertThat(ledger.ids()).containsExactlyInAnyOrder(1L, 2L);
        assertThat(ledger.totalCents()).isEqualTo(2 * 1300);
        assertThat(broker.pending()).as("both acknowledged").isZero();
        assertThat(broker.pendingIds()).isEmpty();
        assertThat(crashedRuns.sum()).isZero();
    }

    @Test
    void aMalformedMessageCrashesTheRunAndGoesBackToTheQueueWithTheCause() throws Exception {
        publish(1, "{\"customer\":");
        OrderWorker worker = worker(m -> false);

        assertThatThrownBy(() -> worker.serve(untilDrained())).isInstanceOf(MalformedMessageException.class)
                .hasMessageStartingWith("message 1 is malformed: ");
        assertThat(broker.pendingIds()).as("requeued, not lost").containsExactly(1L);

        assertThatThrownBy(() -> worker.serve(untilDrained())).isInstanceOf(MalformedMessageException.class);
        try (ConsumerSession deadLetters = broker.openDeadLetterConsumer("test")) {
            Optional<Message> letter = deadLetters.poll(Duration.ofSeconds(10));
            assertThat(letter).as("the broker dead-lettered it after its second delivery").isPresent();
            assertThat(letter.get().id()).isEqualTo(1);
            deadLetters.ack(letter.get());
        }
        assertThat(broker.lastFailure(1)).hasValueSatisfying(failure -> {
            assertThat(failure.deliveries()).isEqualTo(2);
            assertThat(failure.consumer()).isEqualTo("worker-1");
            assertThat(failure.reason()).startsWith("MalformedMessageException: message 1 is malformed");
        });
        assertThat(broker.pending()).isZero();
        assertThat(ledger.size()).isZero();
        assertThat(crashedRuns.sum()).isEqualTo(2);
    }

    @Test
    void aRedeliveryOfAProcessedMessageIsAcknowledgedWithoutProcessingItAgain() throws Exception {
        publish(1, VALID);
        OrderWorker worker = worker(m -> !m.redelivered());   // the first delivery crashes before its ack

        assertThatThrownBy(() -> worker.serve(untilDrained())).isInstanceOf(SimulatedCrashException.class);
        assertThat(ledger.ids()).containsExactly(1L);
        assertThat(broker.pendingIds()).containsExactly(1L);

        worker.serve(untilDrained());

        assertThat(ledger.size()).isEqualTo(1);
        assertThat(ledger.duplicates()).isEqualTo(1);
        assertThat(ledger.totalCents()).as("counted once").isEqualTo(1300);
        assertThat(broker.pending()).as("acknowledged, not dead-lettered").isZero();
        assertThat(broker.lastFailure(1)).hasValueSatisfying(f -> assertThat(f.deliveries()).isEqualTo(1));
    }

    @Test
    void argumentsAreValidated() {
        OrderParser parser = new OrderParser();
        assertThatThrownBy(() -> new OrderWorker(null, parser, ledger, Duration.ZERO, m -> false, crashedRuns))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("broker");
        assertThatThrownBy(() -> new OrderWorker(broker, parser, ledger, Duration.ofMillis(-1), m -> false, crashedRuns))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("workTime");
        assertThatThrownBy(() -> new OrderWorker(broker, parser, ledger, Duration.ZERO, null, crashedRuns))
                .isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new OrderWorker(broker, parser, ledger, Duration.ZERO, m -> false, null))
                .isInstanceOf(NullPointerException.class);
    }
}
