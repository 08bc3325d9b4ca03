package dev.arbor.examples.broker;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What every adapter's {@link ConsumerSession} shares: the one message it holds, the failure
 * noted for it, and the bookkeeping on close. A subclass only talks to its broker.
 *
 * @param <H> the client library's handle of a received message, needed to acknowledge it
 */
abstract class LeasingSession<H> implements ConsumerSession {
    /** A received message and the client library's handle of it. */
    record Received<H>(Message message, H handle) {}

    private final String consumer;
    private final Map<Long, DeliveryFailure> failures;
    private final AtomicInteger leasedInProcess;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private Received<H> held;   // one thread at a time uses a session (see ConsumerSession)
    private volatile boolean closed;

    /**
     * @param failures        where a handed-back message's failure is noted, shared by the broker's sessions
     * @param leasedInProcess the broker's count of messages held by sessions in this process
     */
    LeasingSession(String consumer, Map<Long, DeliveryFailure> failures, AtomicInteger leasedInProcess) {
        this.consumer = requireName(consumer);
        this.failures = failures;
        this.leasedInProcess = leasedInProcess;
    }

    static String requireName(String consumer) {
        Objects.requireNonNull(consumer, "consumer must not be null");
        if (consumer.isBlank()) {
            throw new IllegalArgumentException("consumer must not be blank");
        }
        return consumer;
    }

    /** Waits up to {@code millis} (at least 1) for the next message. */
    abstract Optional<Received<H>> receive(long millis) throws InterruptedException;

    /** Acknowledges one received message. */
    abstract void acknowledge(H handle);

    /**
     * Tells the broker that the delivery failed (a rollback, a nack), so that it counts it and
     * delivers the message again or dead-letters it. Closing alone is not enough everywhere:
     * Artemis takes a message handed back by a cleanly closed session as never delivered.
     */
    abstract void handBack(H handle);

    /** Drops the connection; the broker redelivers what was not acknowledged. */
    abstract void closeQuietly();

    @Override
    public final String consumer() {
        return consumer;
    }

    @Override
    public final Optional<Message> poll(Duration timeout) throws InterruptedException {
        Objects.requireNonNull(timeout, "timeout must not be null");
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must be >= 0, was " + timeout);
        }
        ensureOpen();
        if (held != null) {
            throw new IllegalStateException("session \"" + consumer + "\" still holds message " + held.message().id()
                    + "; acknowledge it first");
        }
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        Optional<Received<H>> next = receive(Math.max(1, timeout.toMillis()));
        next.ifPresent(received -> {
            held = received;
            leasedInProcess.incrementAndGet();
        });
        return next.map(Received::message);
    }

    @Override
    public final void ack(Message message) {
        Objects.requireNonNull(message, "message must not be null");
        ensureOpen();
        if (held == null || !held.message().equals(message)) {
            throw new IllegalArgumentException("message " + message.id() + " is not held by session \"" + consumer + "\"");
        }
        acknowledge(held.handle());
        held = null;
        leasedInProcess.decrementAndGet();
    }

    @Override
    public final int leased() {
        return held == null ? 0 : 1;
    }

    @Override
    public final void recordFailure(Throwable cause) {
        failure.compareAndSet(null, Objects.requireNonNull(cause, "cause must not be null"));
    }

    @Override
    public final void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (held != null) {
            Message m = held.message();
            failures.put(m.id(), new DeliveryFailure(consumer, failureReason(), m.deliveries()));
        }
        // The client libraries block while closing; a stopped run's thread is interrupted, and its
        // session must close all the same, so the flag waits until the connection is gone.
        boolean interrupted = Thread.interrupted();
        try {
            if (held != null) {
                try {
                    handBack(held.handle());
                } catch (RuntimeException e) {
                    // Then closing drops it: the broker redelivers it either way.
                }
            }
            closeQuietly();
        } finally {
            if (held != null) {
                held = null;
                leasedInProcess.decrementAndGet();
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("session \"" + consumer + "\" is closed");
        }
    }

    private String failureReason() {
        Throwable cause = failure.get();
        if (cause == null) {
            return "consumer \"" + consumer + "\" ended without acknowledging it";
        }
        String text = cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }
}
