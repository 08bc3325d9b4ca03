package dev.arbor.internal;

import dev.arbor.SupervisorEvent;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Delivers events to one listener, one at a time, in the order they were emitted.
 *
 * <p>{@link #emitAll} never blocks and never calls the listener: supervisors emit under their lock,
 * which fixes the order, and a virtual "drainer" thread started on demand calls the listener.
 * At most one drainer runs at a time, so the listener is never called concurrently, even when
 * several supervisors of a tree share the channel. A listener that throws is logged and skipped;
 * one that blocks only delays later events.
 *
 * <p>Emitted events form a stack that the drainer takes whole, with one atomic swap per batch,
 * and reverses: emitter and drainer do not contend on every event, as they did over a linked
 * queue (the top cost of spawning 100,000 children).
 */
public final class EventChannel {
    private static final System.Logger LOG = System.getLogger("dev.arbor");
    private static final VarHandle PENDING;
    /** How often an idle drainer yields, looking for more events, before its thread ends. */
    private static final int LINGER_YIELDS = 8;

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
     * Queues events in order, as one batch (one atomic push); safe from any thread, never blocks,
     * never starts a thread (callers hold a supervisor's lock).
     *
     * @param events what happened, oldest first
     * @return true when no drainer runs: the caller must call {@link #startDrainer()}, after
     *         releasing its lock
     */
    public boolean emitAll(java.util.List<? extends SupervisorEvent> events) {
        Node newest = null;
        Node oldest = null;
        for (SupervisorEvent event : events) {
            Node node = new Node(event);
            node.next = newest;
            newest = node;
            if (oldest == null) {
                oldest = node;
            }
        }
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

    /** Starts the drainer that a {@code true} from {@link #emitAll} asked for. */
    public void startDrainer() {
        Thread.ofVirtual().name("arbor-events").start(this::drain);
    }

    private void drain() {
        while (true) {
            int idle = 0;
            while (idle < LINGER_YIELDS) {
                Node batch = (Node) PENDING.getAndSet(this, null);
                if (batch == null) {
                    idle++;
                    Thread.yield();   // a burst (100,000 starts) keeps one drainer, not one per event
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
    }

    private static final class Node {
        final SupervisorEvent event;
        Node next;

        Node(SupervisorEvent event) {
            this.event = event;
        }
    }
}
