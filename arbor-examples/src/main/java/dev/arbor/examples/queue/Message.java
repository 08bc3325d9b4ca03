package dev.arbor.examples.queue;

import java.util.Objects;

/**
 * A message as the queue hands it to a consumer: the producer's id, the body, and how many times
 * it has been delivered, this delivery included. Immutable.
 *
 * <p>The id is the producer's message id (as in AMQP's {@code message-id} or an SQS FIFO
 * deduplication id): consumers use it to recognise a redelivery of a message they already
 * processed, which at-least-once delivery makes possible.
 *
 * @param id         the producer's id, positive
 * @param body       the payload, as sent
 * @param deliveries how many times it has been handed to a consumer, counting this delivery
 *                   (1 on the first delivery); 0 only while it waits in the queue unseen
 */
public record Message(long id, String body, int deliveries) {
    /**
     * Validates the fields.
     *
     * @throws IllegalArgumentException if id is not positive or deliveries is negative
     * @throws NullPointerException     if body is null
     */
    public Message {
        if (id <= 0) {
            throw new IllegalArgumentException("message id must be > 0, was " + id);
        }
        Objects.requireNonNull(body, "message body must not be null (message " + id + ")");
        if (deliveries < 0) {
            throw new IllegalArgumentException("deliveries must be >= 0, was " + deliveries + " (message " + id + ")");
        }
    }

    /** True when an earlier delivery of this message was not acknowledged. */
    public boolean redelivered() {
        return deliveries > 1;
    }

    /** The same message, delivered once more. */
    Message deliveredAgain() {
        return new Message(id, body, deliveries + 1);
    }
}
