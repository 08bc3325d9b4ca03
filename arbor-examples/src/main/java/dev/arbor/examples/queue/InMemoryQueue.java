package dev.arbor.examples.queue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An embedded message queue with <b>at-least-once</b> delivery, modelled on a broker such as
 * RabbitMQ or SQS.
 *
 * <ul>
 *   <li><b>Sessions</b>: a consumer reads through a {@link ConsumerSession}. A message it
 *       {@linkplain ConsumerSession#poll polls} is <b>leased</b> to that session until the session
 *       {@linkplain ConsumerSession#ack acknowledges} it; nobody else sees it meanwhile.</li>
 *   <li><b>Redelivery</b>: when a session closes (its consumer finished, crashed or was stopped),
 *       every message it leased and did not acknowledge goes back to the <b>head</b> of the queue,
 *       in lease order, keeping its delivery count, and is delivered again.</li>
 *   <li><b>Dead letters</b>: a message that comes back after {@code maxDeliveries} deliveries is
 *       not requeued but handed to the {@link DeadLetterSink}. If the sink fails, the message is
 *       requeued instead: the queue never drops a message.</li>
 *   <li><b>Ordering</b>: first in, first out, except that redelivered messages jump the queue (as
 *       a broker's requeue does), which is what makes a poison message crash one consumer after
 *       another.</li>
 * </ul>
 *
 * <p><b>Threads</b>: all methods are thread-safe. One {@link ReentrantLock} guards the queue and
 * every session's leases; it is never held while calling the sink (which does I/O), and waiting
 * consumers wait on its condition, so virtual threads never pin.
 */
public final class InMemoryQueue {
    private final int maxDeliveries;
    private final DeadLetterSink deadLetters;

    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled when a message becomes ready. */
    private final Condition messageReady = lock.newCondition();
    /** Signalled when a message leaves for good (acknowledged or dead-lettered) or comes back. */
    private final Condition changed = lock.newCondition();

    // Everything below is guarded by lock.
    private final Deque<Message> ready = new ArrayDeque<>();
    /** Ids of every message the queue is responsible for: ready, leased or being dead-lettered. */
    private final Set<Long> live = new HashSet<>();
    private final Set<ConsumerSession> openSessions = new LinkedHashSet<>();
    private int leased;
    /** Messages taken out of a closed session and not yet accepted by the dead-letter sink. */
    private int deadLettering;
    private long published;
    private long acknowledged;
    private long deadLettered;
    private long redeliveries;

    /**
     * A queue that dead-letters a message once it has been delivered {@code maxDeliveries} times
     * without an acknowledgement.
     *
     * @throws IllegalArgumentException if maxDeliveries is less than 1
     * @throws NullPointerException     if deadLetters is null
     */
    public InMemoryQueue(int maxDeliveries, DeadLetterSink deadLetters) {
        if (maxDeliveries < 1) {
            throw new IllegalArgumentException("maxDeliveries must be >= 1, was " + maxDeliveries);
        }
        this.maxDeliveries = maxDeliveries;
        this.deadLetters = Objects.requireNonNull(deadLetters, "deadLetters must not be null");
    }

    /** How many deliveries a message gets before it is dead-lettered. */
    public int maxDeliveries() {
        return maxDeliveries;
    }

    /**
     * Appends a message to the tail of the queue.
     *
     * @param id   the producer's id; must not belong to a message the queue still holds
     * @param body the payload
     * @throws IllegalArgumentException if id is not positive or is already in the queue
     * @throws NullPointerException     if body is null
     */
    public void publish(long id, String body) {
        Message message = new Message(id, body, 0);
        lock.lock();
        try {
            if (!live.add(id)) {
                throw new IllegalArgumentException("message " + id + " is already in the queue");
            }
            ready.addLast(message);
            published++;
            messageReady.signal();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Opens a session for one consumer. Close it when the consumer's run ends, however it ends;
     * that is what hands its unacknowledged messages back.
     *
     * @param consumer a name for the consumer, recorded in dead letters
     * @throws NullPointerException     if consumer is null
     * @throws IllegalArgumentException if consumer is blank
     */
    public ConsumerSession openSession(String consumer) {
        Objects.requireNonNull(consumer, "consumer must not be null");
        if (consumer.isBlank()) {
            throw new IllegalArgumentException("consumer must not be blank");
        }
        ConsumerSession session = new ConsumerSession(this, consumer);
        lock.lock();
        try {
            openSessions.add(session);
        } finally {
            lock.unlock();
        }
        return session;
    }

    /** A consistent snapshot of the counters. */
    public QueueStats stats() {
        lock.lock();
        try {
            return new QueueStats(published, acknowledged, deadLettered, redeliveries, ready.size(), leased,
                    openSessions.size());
        } finally {
            lock.unlock();
        }
    }

    /**
     * The ids of messages the queue still holds: ready, leased to an open session, or on their way
     * to the dead-letter sink. Empty once everything was acknowledged or dead-lettered.
     */
    public Set<Long> unfinishedIds() {
        lock.lock();
        try {
            return Set.copyOf(live);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until at least {@code published} messages were published and every one of them was
     * acknowledged or dead-lettered: nothing ready, nothing leased, nothing in flight to the sink.
     *
     * @return true once drained; false if the timeout elapsed first
     * @throws IllegalArgumentException if published is negative
     * @throws NullPointerException     if timeout is null
     * @throws InterruptedException     if interrupted while waiting
     */
    public boolean awaitDrained(long published, Duration timeout) throws InterruptedException {
        if (published < 0) {
            throw new IllegalArgumentException("published must be >= 0, was " + published);
        }
        long nanos = TimeUnit.NANOSECONDS.convert(Objects.requireNonNull(timeout, "timeout must not be null"));
        lock.lockInterruptibly();
        try {
            while (this.published < published || !live.isEmpty()) {
                if (nanos <= 0) {
                    return false;
                }
                nanos = changed.awaitNanos(nanos);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    // ---- session operations; ConsumerSession delegates here so that one lock guards it all ----

    Optional<Message> poll(ConsumerSession session, Duration timeout) throws InterruptedException {
        long nanos = TimeUnit.NANOSECONDS.convert(Objects.requireNonNull(timeout, "timeout must not be null"));
        lock.lockInterruptibly();
        try {
            session.ensureOpen();
            while (ready.isEmpty()) {
                if (nanos <= 0) {
                    return Optional.empty();
                }
                nanos = messageReady.awaitNanos(nanos);
                session.ensureOpen();
            }
            Message delivery = ready.pollFirst().deliveredAgain();
            if (delivery.redelivered()) {
                redeliveries++;
            }
            session.leases.put(delivery.id(), delivery);
            leased++;
            return Optional.of(delivery);
        } finally {
            lock.unlock();
        }
    }

    void ack(ConsumerSession session, Message message) {
        Objects.requireNonNull(message, "message must not be null");
        lock.lock();
        try {
            session.ensureOpen();
            if (session.leases.remove(message.id()) == null) {
                throw new IllegalArgumentException("message " + message.id() + " is not leased to session \""
                        + session.consumer() + "\"");
            }
            leased--;
            acknowledged++;
            live.remove(message.id());
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    int leasedTo(ConsumerSession session) {
        lock.lock();
        try {
            return session.leases.size();
        } finally {
            lock.unlock();
        }
    }

    void close(ConsumerSession session) {
        List<Message> expired = new ArrayList<>();
        String reason;
        lock.lock();
        try {
            if (session.closed) {
                return;
            }
            session.closed = true;
            openSessions.remove(session);
            reason = session.failureReason();
            // Walk the leases newest first and push each to the head, so the oldest ends up first.
            List<Message> leases = new ArrayList<>(session.leases.values());
            for (int i = leases.size() - 1; i >= 0; i--) {
                Message message = leases.get(i);
                if (message.deliveries() >= maxDeliveries) {
                    expired.add(0, message);
                } else {
                    ready.addFirst(message);
                    messageReady.signal();
                }
            }
            leased -= leases.size();
            deadLettering += expired.size();
            session.leases.clear();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        // The sink does I/O: call it without the lock, and requeue what it could not take.
        IOException failure = null;
        for (Message message : expired) {
            try {
                deadLetters.deadLetter(new DeadLetter(message.id(), message.deliveries(), session.consumer(), reason,
                        Instant.now().toString(), message.body()));
                finishDeadLetter(message, true);
            } catch (IOException | RuntimeException e) {
                finishDeadLetter(message, false);
                IOException io = e instanceof IOException ioe ? ioe : new IOException(e);
                if (failure == null) {
                    failure = io;
                } else {
                    failure.addSuppressed(io);
                }
            }
        }
        if (failure != null) {
            throw new UncheckedIOException("dead-letter sink failed; the messages were requeued", failure);
        }
    }

    private void finishDeadLetter(Message message, boolean stored) {
        lock.lock();
        try {
            deadLettering--;
            if (stored) {
                deadLettered++;
                live.remove(message.id());
            } else {
                ready.addFirst(message);
                messageReady.signal();
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
