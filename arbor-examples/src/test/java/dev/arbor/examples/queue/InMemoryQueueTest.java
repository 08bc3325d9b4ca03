package dev.arbor.examples.queue;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** At-least-once delivery, redelivery on session close, and the dead-letter limit. */
class InMemoryQueueTest {
    private static final Duration NOW = Duration.ZERO;

    private final List<DeadLetter> letters = new CopyOnWriteArrayList<>();
    private final InMemoryQueue queue = new InMemoryQueue(3, letters::add);

    @Test
    void anAcknowledgedMessageIsGoneForGood() throws Exception {
        queue.publish(1, "a");
        try (ConsumerSession session = queue.openSession("c1")) {
            Message m = session.poll(NOW).orElseThrow();
            assertThat(m).isEqualTo(new Message(1, "a", 1));
            session.ack(m);
        }
        try (ConsumerSession session = queue.openSession("c2")) {
            assertThat(session.poll(NOW)).isEmpty();
        }
        assertThat(queue.stats()).isEqualTo(new QueueStats(1, 1, 0, 0, 0, 0, 0));
        assertThat(queue.unfinishedIds()).isEmpty();
    }

    @Test
    void anUnacknowledgedMessageIsRedeliveredWhenItsSessionCloses_keepingItsDeliveryCount() throws Exception {
        queue.publish(7, "x");
        ConsumerSession first = queue.openSession("c1");
        assertThat(first.poll(NOW).orElseThrow().deliveries()).isEqualTo(1);
        ConsumerSession second = queue.openSession("c2");
        assertThat(second.poll(NOW)).as("leased to c1, so invisible to c2").isEmpty();

        first.close();

        Message again = second.poll(NOW).orElseThrow();
        assertThat(again.id()).isEqualTo(7);
        assertThat(again.deliveries()).isEqualTo(2);
        assertThat(again.redelivered()).isTrue();
        assertThat(queue.stats().redeliveries()).isEqualTo(1);
        assertThat(letters).isEmpty();
    }

    @Test
    void redeliveredMessagesGoBackToTheHeadInTheOrderTheyWereLeased() throws Exception {
        for (long id = 1; id <= 4; id++) {
            queue.publish(id, "m" + id);
        }
        try (ConsumerSession session = queue.openSession("c1")) {
            session.poll(NOW).orElseThrow();   // 1
            session.poll(NOW).orElseThrow();   // 2
        }
        List<Long> order = new ArrayList<>();
        try (ConsumerSession session = queue.openSession("c2")) {
            for (Optional<Message> m = session.poll(NOW); m.isPresent(); m = session.poll(NOW)) {
                order.add(m.get().id());
                session.ack(m.get());
            }
        }
        assertThat(order).containsExactly(1L, 2L, 3L, 4L);
    }

    @Test
    void aMessageIsDeadLetteredAfterMaxDeliveries_withTheReasonItsConsumerRecorded() throws Exception {
        queue.publish(5, "{broken");
        for (int delivery = 1; delivery <= 3; delivery++) {
            ConsumerSession session = queue.openSession("worker-" + delivery);
            Message m = session.poll(NOW).orElseThrow();
            assertThat(m.deliveries()).isEqualTo(delivery);
            session.recordFailure(new IllegalStateException("cannot parse"));
            session.close();
        }
        assertThat(letters).singleElement().satisfies(letter -> {
            assertThat(letter.messageId()).isEqualTo(5);
            assertThat(letter.deliveries()).isEqualTo(3);
            assertThat(letter.lastConsumer()).isEqualTo("worker-3");
            assertThat(letter.reason()).isEqualTo("IllegalStateException: cannot parse");
            assertThat(letter.body()).isEqualTo("{broken");
        });
        try (ConsumerSession session = queue.openSession("late")) {
            assertThat(session.poll(NOW)).as("not redelivered after dead-lettering").isEmpty();
        }
        assertThat(queue.stats().deadLettered()).isEqualTo(1);
        assertThat(queue.unfinishedIds()).isEmpty();
    }

    @Test
    void aSessionThatEndsWithoutRecordingAFailureStillSaysWhyTheMessageCameBack() throws Exception {
        InMemoryQueue once = new InMemoryQueue(1, letters::add);
        once.publish(1, "a");
        ConsumerSession session = once.openSession("quiet");
        session.poll(NOW).orElseThrow();
        session.close();
        assertThat(letters).singleElement().extracting(DeadLetter::reason)
                .isEqualTo("consumer \"quiet\" ended without acknowledging it");
    }

    @Test
    void aFailingDeadLetterSinkRequeuesTheMessageInsteadOfLosingIt() throws Exception {
        InMemoryQueue failing = new InMemoryQueue(1, letter -> {
            throw new IOException("disk full");
        });
        failing.publish(1, "a");
        ConsumerSession session = failing.openSession("c1");
        session.poll(NOW).orElseThrow();

        assertThatThrownBy(session::close).hasMessageContaining("requeued").hasRootCauseMessage("disk full");

        assertThat(failing.unfinishedIds()).containsExactly(1L);
        try (ConsumerSession next = failing.openSession("c2")) {
            Message m = next.poll(NOW).orElseThrow();
            assertThat(m.deliveries()).isEqualTo(2);
            next.ack(m);
        }
        assertThat(failing.stats().deadLettered()).isZero();
        assertThat(failing.unfinishedIds()).isEmpty();
    }

    @Test
    void closingIsIdempotentAndAClosedSessionRefusesWork() throws Exception {
        queue.publish(1, "a");
        ConsumerSession session = queue.openSession("c1");
        Message m = session.poll(NOW).orElseThrow();
        session.close();
        session.close();

        assertThat(queue.stats().ready()).as("requeued once, not twice").isEqualTo(1);
        assertThatThrownBy(() -> session.poll(NOW)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("c1").hasMessageContaining("closed");
        assertThatThrownBy(() -> session.ack(m)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aSessionCanOnlyAcknowledgeWhatItLeased() throws Exception {
        queue.publish(1, "a");
        try (ConsumerSession owner = queue.openSession("owner"); ConsumerSession other = queue.openSession("other")) {
            Message m = owner.poll(NOW).orElseThrow();
            assertThatThrownBy(() -> other.ack(m)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("message 1 is not leased to session \"other\"");
            owner.ack(m);
            assertThatThrownBy(() -> owner.ack(m)).as("twice").isInstanceOf(IllegalArgumentException.class);
            assertThat(owner.leased()).isZero();
        }
    }

    @Test
    void argumentsAreValidated() {
        assertThatThrownBy(() -> new InMemoryQueue(0, letters::add)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxDeliveries must be >= 1, was 0");
        assertThatThrownBy(() -> new InMemoryQueue(3, null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> queue.publish(0, "a")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("message id must be > 0, was 0");
        assertThatThrownBy(() -> queue.publish(1, null)).isInstanceOf(NullPointerException.class);
        queue.publish(1, "a");
        assertThatThrownBy(() -> queue.publish(1, "b")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("message 1 is already in the queue");
        assertThatThrownBy(() -> queue.openSession(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> queue.openSession(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> queue.awaitDrained(-1, NOW)).isInstanceOf(IllegalArgumentException.class);
        try (ConsumerSession session = queue.openSession("c")) {
            assertThatThrownBy(() -> session.poll(null)).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> session.ack(null)).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> session.recordFailure(null)).isInstanceOf(NullPointerException.class);
        }
    }

    @Test
    void awaitDrainedWaitsForEveryPublishedMessageToBeAcknowledgedOrDeadLettered() throws Exception {
        assertThat(queue.awaitDrained(1, NOW)).as("nothing published yet").isFalse();
        queue.publish(1, "a");
        queue.publish(2, "b");
        ConsumerSession session = queue.openSession("c");
        Message a = session.poll(NOW).orElseThrow();
        assertThat(queue.awaitDrained(2, NOW)).isFalse();
        session.ack(a);
        Message b = session.poll(NOW).orElseThrow();
        assertThat(queue.awaitDrained(2, NOW)).as("b is still leased").isFalse();

        CompletableFuture<Boolean> waiter = CompletableFuture.supplyAsync(() -> {
            try {
                return queue.awaitDrained(2, Duration.ofSeconds(30));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        session.ack(b);
        assertThat(waiter.get(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aWaitingPollIsWokenByAPublish() throws Exception {
        ConsumerSession session = queue.openSession("c");
        CountDownLatch polling = new CountDownLatch(1);
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<Optional<Message>> poll = executor.submit(() -> {
                polling.countDown();
                return session.poll(Duration.ofMinutes(1));
            });
            assertThat(polling.await(10, TimeUnit.SECONDS)).isTrue();
            queue.publish(9, "late");
            assertThat(poll.get(10, TimeUnit.SECONDS)).map(Message::id).contains(9L);
        }
    }

    /**
     * Many consumers, each crashing (closing its session without acking) on every message whose id
     * is a multiple of 5: whatever the interleaving, each of those is dead-lettered exactly once
     * after exactly 3 deliveries, every other message is acknowledged exactly once, nothing is lost.
     */
    @Test
    void concurrentCrashingConsumersLoseNothingAndDeadLetterOnlyThePoison() throws Exception {
        int messages = 2_000;
        List<Long> acked = new CopyOnWriteArrayList<>();
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> consumers = new ArrayList<>();
            for (int c = 0; c < 8; c++) {
                String name = "c" + c;
                consumers.add(executor.submit(() -> {
                    while (!Thread.currentThread().isInterrupted()) {
                        try (ConsumerSession session = queue.openSession(name)) {   // one session per "run"
                            while (true) {
                                Optional<Message> m = session.poll(Duration.ofMillis(50));
                                if (m.isEmpty()) {
                                    continue;
                                }
                                if (m.get().id() % 5 == 0) {
                                    session.recordFailure(new IllegalArgumentException("poison " + m.get().id()));
                                    break;   // crash: the session closes with the message unacked
                                }
                                session.ack(m.get());
                                acked.add(m.get().id());
                            }
                        }
                    }
                    return null;
                }));
            }
            for (long id = 1; id <= messages; id++) {
                queue.publish(id, "m" + id);
            }
            assertThat(queue.awaitDrained(messages, Duration.ofSeconds(60))).isTrue();
            consumers.forEach(f -> f.cancel(true));
        }
        assertThat(acked).hasSize(messages * 4 / 5).doesNotHaveDuplicates().allMatch(id -> id % 5 != 0);
        assertThat(letters).hasSize(messages / 5).allMatch(l -> l.messageId() % 5 == 0 && l.deliveries() == 3);
        assertThat(letters.stream().map(DeadLetter::messageId).distinct()).hasSize(messages / 5);
        QueueStats stats = queue.stats();
        assertThat(stats.acknowledged() + stats.deadLettered()).isEqualTo(messages);
        assertThat(stats.redeliveries()).isEqualTo(2L * messages / 5);
    }
}
