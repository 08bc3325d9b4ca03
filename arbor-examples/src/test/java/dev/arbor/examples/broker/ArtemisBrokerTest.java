package dev.arbor.examples.broker;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The embedded Artemis broker as the demo uses it: the broker's own redelivery, dead letters and journal. */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class ArtemisBrokerTest {
    private static final Duration WAIT = Duration.ofSeconds(10);   // an upper bound; a message is there at once

    @TempDir
    Path dir;

    /** Waits, at most 10 s, until the broker counts {@code expected} messages, and asserts that it does. */
    private static void awaitPending(ArtemisBroker broker, long expected) throws InterruptedException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (broker.pending() != expected && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(broker.pending()).isEqualTo(expected);
    }

    private static void publish(Broker broker, long id, String body) {
        try (Publisher publisher = broker.openPublisher()) {
            publisher.publish(id, body);
        }
    }

    @Test
    void aMessageHandedBackIsRedeliveredWithItsCountAndDeadLetteredAfterTheLimit() throws Exception {
        try (ArtemisBroker broker = ArtemisBroker.start(dir, 3, false)) {
            publish(broker, 7, "body");
            for (int delivery = 1; delivery <= 3; delivery++) {
                try (ConsumerSession session = broker.openConsumer("c-" + delivery)) {
                    Message m = session.poll(WAIT).orElseThrow();
                    assertThat(m).isEqualTo(new Message(7, "body", delivery));
                    assertThat(session.leased()).isEqualTo(1);
                    session.recordFailure(new IllegalStateException("bad " + delivery + "\nsecond line"));
                }   // closed without an ack
                assertThat(broker.pending()).as("on a queue, never dropped").isEqualTo(1);
            }
            try (ConsumerSession work = broker.openConsumer("late")) {
                assertThat(work.poll(Duration.ofMillis(50))).as("not on the work queue any more").isEmpty();
            }
            assertThat(broker.lastFailure(7)).contains(new DeliveryFailure("c-3", "IllegalStateException: bad 3", 3));
            try (ConsumerSession dead = broker.openDeadLetterConsumer("archiver")) {
                Message letter = dead.poll(WAIT).orElseThrow();
                assertThat(letter.id()).isEqualTo(7);
                assertThat(letter.body()).isEqualTo("body");
                dead.ack(letter);
            }
            assertThat(broker.pending()).isZero();
            assertThat(broker.pendingIds()).isEmpty();
        }
    }

    @Test
    void anAcknowledgedMessageIsGoneAndAClosedSessionWithoutAFailureSaysSo() throws Exception {
        try (ArtemisBroker broker = ArtemisBroker.start(dir, 3, false)) {
            publish(broker, 1, "a");
            publish(broker, 2, "b");
            try (ConsumerSession session = broker.openConsumer("w")) {
                Message first = session.poll(WAIT).orElseThrow();
                assertThat(first.id()).as("first in, first out").isEqualTo(1);
                session.ack(first);
                assertThat(session.leased()).isZero();
                assertThat(session.poll(WAIT)).map(Message::id).contains(2L);
            }
            assertThat(broker.pendingIds()).containsExactly(2L);
            assertThat(broker.lastFailure(2)).hasValueSatisfying(f ->
                    assertThat(f.reason()).isEqualTo("consumer \"w\" ended without acknowledging it"));
            assertThat(broker.lastFailure(1)).isEmpty();
        }
    }

    @Test
    void theJournalKeepsMessagesAcrossARestartUnlessAskedToStartEmpty() throws Exception {
        try (ArtemisBroker broker = ArtemisBroker.start(dir, 3, false)) {
            publish(broker, 1, "a");
            publish(broker, 2, "b");
            try (ConsumerSession session = broker.openConsumer("w")) {
                session.ack(session.poll(WAIT).orElseThrow());
            }
        }
        try (ArtemisBroker broker = ArtemisBroker.start(dir, 3, true)) {
            assertThat(broker.pendingIds()).containsExactly(2L);
            publish(broker, 3, "c");
            awaitPending(broker, 2);      // the broker counts a routed message on its own executor, a moment later
        }
        try (ArtemisBroker broker = ArtemisBroker.start(dir, 3, false)) {
            assertThat(broker.pending()).isZero();
        }
    }

    @Test
    void misuseIsRejectedWithTheBadValue() throws Exception {
        assertThatThrownBy(() -> ArtemisBroker.start(dir, 0, false)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxDeliveries must be >= 1, was 0");
        assertThatThrownBy(() -> ArtemisBroker.start(null, 3, false)).isInstanceOf(NullPointerException.class);
        try (ArtemisBroker broker = ArtemisBroker.start(dir, 3, false)) {
            assertThat(broker.description()).startsWith("Apache ActiveMQ Artemis 2.55.0 (embedded; journal in ");
            assertThatThrownBy(() -> broker.openConsumer(" ")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("consumer must not be blank");
            try (Publisher publisher = broker.openPublisher()) {
                assertThatThrownBy(() -> publisher.publish(0, "x")).isInstanceOf(IllegalArgumentException.class)
                        .hasMessage("message id must be > 0, was 0");
                publisher.publish(1, "x");
            }
            ConsumerSession session = broker.openConsumer("w");
            Message m = session.poll(WAIT).orElseThrow();
            assertThatThrownBy(() -> session.poll(WAIT)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("still holds message 1");
            assertThatThrownBy(() -> session.ack(new Message(2, "y", 1))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("message 2 is not held by session \"w\"");
            assertThatThrownBy(() -> session.poll(Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class);
            session.close();
            session.close();
            assertThatThrownBy(() -> session.ack(m)).isInstanceOf(IllegalStateException.class)
                    .hasMessage("session \"w\" is closed");
            Optional<Message> again;
            try (ConsumerSession next = broker.openConsumer("w2")) {
                again = next.poll(WAIT);
            }
            assertThat(again).map(Message::deliveries).contains(2);
        }
    }

    @Test
    void aSessionClosesInAnInterruptedThreadAndKeepsTheFlag() throws Exception {
        try (ArtemisBroker broker = ArtemisBroker.start(dir, 3, false)) {
            publish(broker, 1, "a");
            ConsumerSession session = broker.openConsumer("w");
            session.poll(WAIT).orElseThrow();
            Thread.currentThread().interrupt();
            try {
                assertThatThrownBy(() -> session.poll(WAIT)).isInstanceOf(IllegalStateException.class);
                session.close();
                assertThat(Thread.currentThread().isInterrupted()).isTrue();
            } finally {
                Thread.interrupted();
            }
            try (ConsumerSession next = broker.openConsumer("w2")) {
                assertThat(next.poll(WAIT)).map(Message::deliveries).as("handed back, counted").contains(2);
            }
        }
    }
}
