package dev.arbor.examples.broker;

import java.util.Objects;

/**
 * Why a session handed a message back unacknowledged, as its consumer reported it.
 *
 * @param consumer   the consumer that held it
 * @param reason     the exception it noted, in one line, or a note that it ended without acknowledging
 * @param deliveries the broker's delivery count of that delivery (1 on the first)
 */
public record DeliveryFailure(String consumer, String reason, int deliveries) {
    /**
     * Validates the fields.
     *
     * @throws NullPointerException     if consumer or reason is null
     * @throws IllegalArgumentException if deliveries is not positive
     */
    public DeliveryFailure {
        Objects.requireNonNull(consumer, "consumer must not be null");
        Objects.requireNonNull(reason, "reason must not be null");
        if (deliveries < 1) {
            throw new IllegalArgumentException("deliveries must be >= 1, was " + deliveries);
        }
    }
}
