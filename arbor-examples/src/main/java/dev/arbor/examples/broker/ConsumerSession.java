package dev.arbor.examples.broker;

import java.time.Duration;
import java.util.Optional;

/**
 * One consumer's session on a {@link Broker} queue: it receives messages one at a time,
 * acknowledges them, and on {@link #close()} hands back the one it did not acknowledge, which the
 * broker redelivers (or, after its delivery limit, dead-letters).
 *
 * <p>Open one per run of a consumer and close it in a {@code finally}: then a run that crashes,
 * returns or is stopped releases its message, exactly like a broker connection that drops. Used by
 * one thread at a time.
 */
public interface ConsumerSession extends AutoCloseable {
    /** The consumer's name, as given when the session was opened. */
    String consumer();

    /**
     * Receives the next message, waiting up to {@code timeout} for one. A session holds at most one
     * message it has not acknowledged; poll again only after acknowledging it.
     *
     * @return the message with the broker's delivery count, or empty if none arrived in time
     * @throws NullPointerException     if timeout is null
     * @throws IllegalArgumentException if timeout is negative
     * @throws IllegalStateException    if the session is closed or still holds an unacknowledged message
     * @throws InterruptedException     if interrupted while waiting
     * @throws BrokerException          if the broker failed
     */
    Optional<Message> poll(Duration timeout) throws InterruptedException;

    /**
     * Acknowledges the message this session holds: the broker forgets it for good.
     *
     * @throws NullPointerException     if message is null
     * @throws IllegalArgumentException if the session does not hold this message
     * @throws IllegalStateException    if the session is closed
     * @throws BrokerException          if the broker failed
     */
    void ack(Message message);

    /** How many messages this session holds unacknowledged: 0 or 1. */
    int leased();

    /**
     * Notes why the consumer is about to give up its message, so that a dead letter can say why.
     * The first failure noted wins.
     *
     * @throws NullPointerException if cause is null
     */
    void recordFailure(Throwable cause);

    /**
     * Hands back the unacknowledged message, if any, for the broker to redeliver or dead-letter,
     * and closes the session. Idempotent; never throws (a failure to close is a dropped connection,
     * which redelivers too). Works in an interrupted thread.
     */
    @Override
    void close();
}
