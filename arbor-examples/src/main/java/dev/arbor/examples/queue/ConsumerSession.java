package dev.arbor.examples.queue;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One consumer's connection to an {@link InMemoryQueue}: it leases messages, acknowledges them,
 * and on {@link #close()} hands back every message it did not acknowledge.
 *
 * <p>Open one per run of a consumer and close it in a {@code finally}: then a run that crashes,
 * returns or is stopped releases its messages for redelivery, exactly like a broker connection
 * that drops. Thread-safe, though meant for one consumer thread.
 */
public final class ConsumerSession implements AutoCloseable {
    private final InMemoryQueue queue;
    private final String consumer;

    // Guarded by the queue's lock.
    final Map<Long, Message> leases = new LinkedHashMap<>();
    boolean closed;

    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    ConsumerSession(InMemoryQueue queue, String consumer) {
        this.queue = queue;
        this.consumer = consumer;
    }

    /** The consumer's name, as given to {@link InMemoryQueue#openSession}. */
    public String consumer() {
        return consumer;
    }

    /**
     * Leases the message at the head of the queue, waiting up to {@code timeout} for one.
     *
     * @return the message with its delivery count incremented, or empty if none arrived in time
     * @throws NullPointerException  if timeout is null
     * @throws IllegalStateException if the session is closed
     * @throws InterruptedException  if interrupted while waiting
     */
    public Optional<Message> poll(Duration timeout) throws InterruptedException {
        return queue.poll(this, timeout);
    }

    /**
     * Acknowledges a leased message: the queue forgets it for good.
     *
     * @throws NullPointerException     if message is null
     * @throws IllegalArgumentException if the message is not leased to this session
     * @throws IllegalStateException    if the session is closed (its leases were already handed back)
     */
    public void ack(Message message) {
        queue.ack(this, message);
    }

    /** How many messages this session holds unacknowledged. */
    public int leased() {
        return queue.leasedTo(this);
    }

    /**
     * Notes why the consumer is about to give up its leases, so that a message dead-lettered on
     * {@link #close()} records the cause. The first failure noted wins.
     *
     * @throws NullPointerException if cause is null
     */
    public void recordFailure(Throwable cause) {
        Objects.requireNonNull(cause, "cause must not be null");
        failure.compareAndSet(null, cause);
    }

    /**
     * Hands back every unacknowledged message: requeued at the head, or dead-lettered if it has
     * had its deliveries. Idempotent.
     *
     * @throws java.io.UncheckedIOException if the dead-letter sink failed; the messages it did not
     *                                      take were requeued, so none is lost
     */
    @Override
    public void close() {
        queue.close(this);
    }

    void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("session \"" + consumer + "\" is closed");
        }
    }

    String failureReason() {
        Throwable cause = failure.get();
        if (cause == null) {
            return "consumer \"" + consumer + "\" ended without acknowledging it";
        }
        String message = cause.getMessage();
        return cause.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
