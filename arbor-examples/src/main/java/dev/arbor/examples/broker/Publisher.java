package dev.arbor.examples.broker;

/**
 * Publishes to a {@link Broker}'s work queue. One thread at a time; open one per run of a
 * producer and close it in a {@code finally}.
 */
public interface Publisher extends AutoCloseable {
    /**
     * Publishes one message, persistently where the broker persists, and returns once the broker
     * has it. The id travels with the message (and is the broker's duplicate-detection id where it
     * has one), so that a consumer can recognise a redelivery.
     *
     * @param id   the producer's id, positive
     * @param body the payload
     * @throws IllegalArgumentException if id is not positive
     * @throws NullPointerException     if body is null
     * @throws BrokerException          if the broker did not take it
     */
    void publish(long id, String body);

    /** Closes the publisher. Idempotent; never throws. */
    @Override
    void close();
}
