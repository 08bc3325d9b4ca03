package dev.arbor.examples.broker;

import java.util.Objects;

/**
 * A message as the broker hands it to a consumer: the producer's id, the body, and how many times
 * it has been delivered, this delivery included. Immutable.
 *
 * <p>The id is the producer's message id (as in AMQP's {@code message-id} or an SQS FIFO
 * deduplication id): consumers use it to recognise a redelivery of a message they already
 * processed, which at-least-once delivery makes possible.
 *
 * @param id         the producer's id, positive
 * @param body       the payload, as sent
 * @param deliveries how many times it has been handed to a consumer, counting this delivery
 *                   (1 on the first delivery); as the broker counts it
 */
public record Message(long id, String body, int deliveries) {
    /**
     * Validates the fields.
     *
     * @throws IllegalArgumentException if id or deliveries is not positive
     * @throws NullPointerException     if body is null
     */
    public Message {
        if (id <= 0) {
            throw new IllegalArgumentException("message id must be > 0, was " + id);
        }
        Objects.requireNonNull(body, "message body must not be null (message " + id + ")");
        if (deliveries < 1) {
            throw new IllegalArgumentException("deliveries must be >= 1, was " + deliveries + " (message " + id + ")");
        }
    }

    /** True when an earlier delivery of this message was not acknowledged. */
    public boolean redelivered() {
        return deliveries > 1;
    }
}
