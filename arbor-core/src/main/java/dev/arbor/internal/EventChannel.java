package dev.arbor.internal;

import dev.arbor.SupervisorEvent;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Delivers events to one listener, one at a time, in the order they were emitted.
 *
 * <p>{@link #emit} never blocks and never calls the listener: supervisors emit under their lock,
 * which fixes the order, and a virtual "drainer" thread started on demand calls the listener.
 * At most one drainer runs at a time, so the listener is never called concurrently, even when
 * several supervisors of a tree share the channel. A listener that throws is logged and skipped;
 * one that blocks only delays later events.
 */
public final class EventChannel {
    private static final System.Logger LOG = System.getLogger("dev.arbor");

    private final Consumer<? super SupervisorEvent> listener;
    private final ConcurrentLinkedQueue<SupervisorEvent> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean draining = new AtomicBoolean();

    /** @param listener the consumer of every event emitted here */
    public EventChannel(Consumer<? super SupervisorEvent> listener) {
        this.listener = listener;
    }

    /** Queues an event; safe from any thread, never blocks. */
    public void emit(SupervisorEvent event) {
        queue.add(event);
        if (draining.compareAndSet(false, true)) {
            Thread.ofVirtual().name("arbor-events").start(this::drain);
        }
    }

    private void drain() {
        while (true) {
            SupervisorEvent event;
            while ((event = queue.poll()) != null) {
                deliver(event);
            }
            draining.set(false);
            // An event queued after the last poll but before the flag cleared has no drainer yet.
            if (queue.isEmpty() || !draining.compareAndSet(false, true)) {
                return;
            }
        }
    }

    private void deliver(SupervisorEvent event) {
        try {
            listener.accept(event);
        } catch (Throwable t) { // a faulty listener must never break supervision
            LOG.log(System.Logger.Level.WARNING, "event listener threw on " + event, t);
        }
    }
}
