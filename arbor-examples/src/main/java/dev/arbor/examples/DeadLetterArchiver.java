package dev.arbor.examples;

import dev.arbor.Service;
import dev.arbor.ServiceContext;
import dev.arbor.examples.broker.Broker;
import dev.arbor.examples.broker.ConsumerSession;
import dev.arbor.examples.broker.DeadLetter;
import dev.arbor.examples.broker.DeadLetterSink;
import dev.arbor.examples.broker.DeliveryFailure;
import dev.arbor.examples.broker.Message;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A supervised consumer of the broker's dead-letter queue: writes each message the broker gave up
 * on to a {@link DeadLetterSink} (the demo's JSON-lines file), then acknowledges it. The sink
 * keeps one letter per message id, so a dead letter redelivered after a crash between the write
 * and the ack is acknowledged without a second line.
 *
 * <p>A letter records why its message failed as the worker that held it last noted it, when that
 * worker ran in this process; a message dead-lettered by a process that since died records that
 * the cause is unknown, and the broker's delivery limit as its deliveries. Thread-safe: one run at
 * a time.
 */
public final class DeadLetterArchiver implements Service {
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(100);

    private final Broker broker;
    private final DeadLetterSink sink;

    /**
     * @param broker where the dead-letter queue is
     * @param sink   where the letters go
     * @throws NullPointerException if an argument is null
     */
    public DeadLetterArchiver(Broker broker, DeadLetterSink sink) {
        this.broker = Objects.requireNonNull(broker, "broker must not be null");
        this.sink = Objects.requireNonNull(sink, "sink must not be null");
    }

    @Override
    public void serve(ServiceContext ctx) throws InterruptedException, IOException {
        try (ConsumerSession session = broker.openDeadLetterConsumer(ctx.name())) {
            while (!ctx.isStopping()) {
                Optional<Message> next = session.poll(POLL_TIMEOUT);
                if (next.isPresent()) {
                    sink.deadLetter(letter(next.get()));   // IOException: crash, the letter stays on the queue
                    session.ack(next.get());
                }
            }
        }
    }

    private DeadLetter letter(Message message) {
        Optional<DeliveryFailure> failure = broker.lastFailure(message.id());
        return new DeadLetter(message.id(),
                failure.map(DeliveryFailure::deliveries).orElse(broker.maxDeliveries()),
                failure.map(DeliveryFailure::consumer).orElse("unknown"),
                failure.map(DeliveryFailure::reason)
                        .orElse("dead-lettered before a restart; the cause was not recorded"),
                Instant.now().toString(), message.body());
    }
}
