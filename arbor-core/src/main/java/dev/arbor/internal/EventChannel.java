package dev.arbor.internal;

import dev.arbor.SupervisorEvent;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * Delivers events to one listener, one at a time, in the order they were emitted.
 *
 * <p>{@link #publish} never blocks and never calls the listener: supervisors record events in a
 * {@link Batch} under their lock, which fixes the order, and publish it as they release the lock.
 * A virtual "drainer" thread, started on demand, calls the listener.
 * At most one drainer runs at a time, so the listener is never called concurrently, even when
 * several supervisors of a tree share the channel. A listener that throws is logged and skipped;
 * one that blocks only delays later events.
 *
 * <p>Emitted events form a stack that the drainer takes whole, with one atomic swap per batch,
 * and reverses: emitter and drainer do not contend on every event, as they did over a linked
 * queue (the top cost of spawning 100,000 children). A batch is recorded straight into that
 * stack's nodes, so recording an event allocates one node and copies nothing.
 */
public final class EventChannel {
    private static final System.Logger LOG = System.getLogger("dev.arbor");
    private static final VarHandle PENDING;
    /**
     * How long an idle drainer sleeps between looks for more events: the most an event can wait
     * for a drainer that is alive. Shorter looks cost more wake-ups in a storm (50 us tripled the
     * restart benchmark's p99); longer ones only delay events.
     */
    private static final long LOOK_INTERVAL_NANOS = 1_000_000;
    /** How many looks find nothing before the drainer's thread ends (about 5 ms idle). */
    private static final int IDLE_LOOKS = 5;

    static {
        try {
            PENDING = MethodHandles.lookup().findVarHandle(EventChannel.class, "pending", Node.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Consumer<? super SupervisorEvent> listener;
    private final AtomicBoolean draining = new AtomicBoolean();
    @SuppressWarnings("unused")   // via PENDING: newest first
    private volatile Node pending;

    /** @param listener the consumer of every event emitted here */
    public EventChannel(Consumer<? super SupervisorEvent> listener) {
        this.listener = listener;
    }

    /**
     * Queues a batch's events, in the order they were recorded, with one atomic push, and empties
     * the batch. Safe from any thread, never blocks, never starts a thread (callers hold a
     * supervisor's lock).
     *
     * @param batch what happened during one locked section; empty afterwards
     * @return true when no drainer runs: the caller must call {@link #startDrainer()}, after
     *         releasing its lock
     */
    public boolean publish(Batch batch) {
        Node newest = batch.newest;
        Node oldest = batch.oldest;
        batch.newest = null;
        batch.oldest = null;
        if (newest == null) {
            return false;
        }
        Node head;
        do {
            head = pending;
            oldest.next = head;
        } while (!PENDING.compareAndSet(this, head, newest));
        return !draining.get() && draining.compareAndSet(false, true);
    }

    /** Starts the drainer that a {@code true} from {@link #publish} asked for. */
    public void startDrainer() {
        Thread.ofVirtual().name("arbor-events").start(this::drain);
    }

    /**
     * Delivers until the queue has stayed empty for a few looks, then ends. An idle drainer sleeps
     * between looks instead of yielding: emitters never wake it (publishing stays one CAS), and a
     * stream of events is delivered in batches, one wake-up per look interval, not one carrier
     * round trip per event (yielding cost 400 ns of CPU per child when spawning 100,000, more than
     * the rest of add() together). The price: an event that arrives while the drainer lingers
     * waits up to one look interval.
     */
    private void drain() {
        while (true) {
            int idle = 0;
            while (idle < IDLE_LOOKS) {
                Node batch = (Node) PENDING.getAndSet(this, null);
                if (batch == null) {
                    idle++;
                    LockSupport.parkNanos(LOOK_INTERVAL_NANOS);
                } else {
                    idle = 0;
                    deliverOldestFirst(batch);
                }
            }
            draining.set(false);
            // An event pushed after the last swap but before the flag cleared has no drainer yet.
            if (pending == null || !draining.compareAndSet(false, true)) {
                return;
            }
        }
    }

    private void deliverOldestFirst(Node newestFirst) {
        Node oldestFirst = null;
        while (newestFirst != null) {
            Node next = newestFirst.next;
            newestFirst.next = oldestFirst;
            oldestFirst = newestFirst;
            newestFirst = next;
        }
        for (Node n = oldestFirst; n != null; n = n.next) {
            deliver(n.event);
        }
    }

    private void deliver(SupervisorEvent event) {
        try {
            listener.accept(event);
        } catch (Throwable t) { // a faulty listener must never break supervision
            LOG.log(System.Logger.Level.WARNING, "event listener threw on " + event, t);
        }
        Thread.interrupted();   // a listener's interrupt must not cut looks short or reach the next event
    }

    /**
     * The events of one locked section, newest first, linked as they will sit on the channel's
     * stack. Not thread-safe: guarded by the lock of the supervisor that records them.
     */
    public static final class Batch {
        private Node newest;
        private Node oldest;

        /** @param event what happened; recorded after every event recorded before it */
        public void add(SupervisorEvent event) {
            Node node = new Node(event);
            node.next = newest;
            newest = node;
            if (oldest == null) {
                oldest = node;
            }
        }

        /** @return whether nothing was recorded since the last publish or clear */
        public boolean isEmpty() {
            return newest == null;
        }

        /** Drops the recorded events (a supervisor with no channel yet has nobody to tell). */
        public void clear() {
            newest = null;
            oldest = null;
        }
    }

    private static final class Node {
        final SupervisorEvent event;
        Node next;

        Node(SupervisorEvent event) {
            this.event = event;
        }
    }
}
