package dev.arbor.examples.broker;

import java.util.Objects;

/**
 * A message the queue gave up on, as written to the dead-letter file (one JSON object per line).
 *
 * @param messageId      the producer's id of the message
 * @param deliveries     how many times it was delivered without being acknowledged
 * @param lastConsumer   the consumer that held it last
 * @param reason         why its last delivery was not acknowledged, as the consumer reported it
 * @param deadLetteredAt when it was dead-lettered, ISO-8601
 * @param body           the payload, unchanged, so that it can be inspected or replayed
 */
public record DeadLetter(long messageId, int deliveries, String lastConsumer, String reason,
                         String deadLetteredAt, String body) {
    /**
     * Validates the fields.
     *
     * @throws IllegalArgumentException if messageId or deliveries is not positive
     * @throws NullPointerException     if any text field is null
     */
    public DeadLetter {
        if (messageId <= 0) {
            throw new IllegalArgumentException("messageId must be > 0, was " + messageId);
        }
        if (deliveries <= 0) {
            throw new IllegalArgumentException("deliveries must be > 0, was " + deliveries);
        }
        Objects.requireNonNull(lastConsumer, "lastConsumer must not be null");
        Objects.requireNonNull(reason, "reason must not be null");
        Objects.requireNonNull(deadLetteredAt, "deadLetteredAt must not be null");
        Objects.requireNonNull(body, "body must not be null");
    }
}
