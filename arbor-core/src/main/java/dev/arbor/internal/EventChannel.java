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
 *
 * <p><b>The drainer's looks.</b> After a look that found a few events (fewer than 8) the next
 * event wakes it at once, so a lone event is delivered within a wake-up; after a bigger batch (a
 * stream: a spawn, a storm) it sleeps 1 ms whatever comes, so a stream costs one wake-up per
 * millisecond, not one per event (an earlier design yielded between looks, which cost 400 ns of
 * CPU per child when spawning 100,000). It ends after 5 empty looks. Supervisors start restarts
 * before they wake it, so the listener never delays them.
 */
public final class EventChannel {
    private static final System.Logger LOG = System.getLogger("dev.arbor");
    private static final VarHandle PENDING;
    private static final VarHandle SLEEPING;
    private static final VarHandle MUST_START;
    /**
     * A look that finds at least this many events means a stream: the drainer's next sleep lasts
     * a whole look interval, and publishers do not wake it, so the stream is taken in batches.
     * After a look that finds fewer, the next event wakes the drainer at once. So a lone event
     * (or a restart's two) is delivered within a wake-up, and a stream costs one wake-up per look
     * interval instead of one per event (a drainer that looked after every event cost 400 ns of
     * CPU per child when spawning 100,000, more than the rest of add() together).
     */
    private static final int STREAM_BATCH = 8;
    /**
     * How long the drainer sleeps inside a stream, and at most between two looks at all: the most
     * an event waits while events stream in.
     */
    private static final long LOOK_INTERVAL_NANOS = 1_000_000;
    /** How many looks find nothing before the drainer's thread ends (about 5 ms idle). */
    private static final int IDLE_LOOKS = 5;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            PENDING = lookup.findVarHandle(EventChannel.class, "pending", Node.class);
            SLEEPING = lookup.findVarHandle(EventChannel.class, "sleeping", boolean.class);
            MUST_START = lookup.findVarHandle(EventChannel.class, "mustStart", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Consumer<? super SupervisorEvent> listener;
    private final AtomicBoolean draining = new AtomicBoolean();   // a drainer thread runs (or is being started)
    @SuppressWarnings("unused")   // via PENDING: newest first
    private volatile Node pending;
    @SuppressWarnings("unused")   // via MUST_START: a publisher claimed the start of a drainer
    private volatile boolean mustStart;
    @SuppressWarnings("unused")   // via SLEEPING: the drainer sleeps and takes an unpark for new events
    private volatile boolean sleeping;
    private volatile Thread drainer;

    /** @param listener the consumer of every event emitted here */
    public EventChannel(Consumer<? super SupervisorEvent> listener) {
        this.listener = listener;
    }

    /**
     * Queues a batch's events, in the order they were recorded, with one atomic push, and empties
     * the batch. Safe from any thread, never blocks, never starts or wakes a thread (callers hold
     * a supervisor's lock).
     *
     * @param batch what happened during one locked section; empty afterwards
     * @return true when the caller must call {@link #signal()} after releasing its lock: no
     *         drainer runs, or the drainer sleeps and should wake
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
        if (!draining.get() && draining.compareAndSet(false, true)) {
            mustStart = true;
            return true;
        }
        // Read after the push, as the drainer writes 'sleeping' before its last look: either it
        // sees this batch, or this sees it asleep.
        return sleeping && SLEEPING.compareAndSet(this, true, false);
    }

    /**
     * Does what a {@code true} from {@link #publish} asked for: starts a drainer, or wakes the one
     * asleep. Never blocks on the listener; may start a virtual thread.
     */
    public void signal() {
        if (mustStart && MUST_START.compareAndSet(this, true, false)) {
            Thread.ofVirtual().name("arbor-events").start(this::drain);
            return;
        }
        Thread asleep = drainer;
        if (asleep != null) {
            LockSupport.unpark(asleep);   // at worst a spare permit: the drainer then looks once more
        }
    }

    /**
     * Delivers until the queue has stayed empty for a few looks, then ends. Between looks it
     * sleeps: inside a stream for a whole look interval, otherwise until the next event wakes it
     * (see {@link #STREAM_BATCH}).
     */
    private void drain() {
        drainer = Thread.currentThread();
        while (true) {
            int idle = 0;
            int lastBatch = 0;
            while (idle < IDLE_LOOKS) {
                Node batch = (Node) PENDING.getAndSet(this, null);
                if (batch == null) {
                    idle++;
                    lastBatch = 0;
                } else {
                    idle = 0;
                    lastBatch = deliverOldestFirst(batch);
                }
                sleep(lastBatch >= STREAM_BATCH);
            }
            draining.set(false);
            // An event pushed after the last swap but before the flag cleared has no drainer yet.
            if (pending == null || !draining.compareAndSet(false, true)) {
                return;
            }
        }
    }

    private void sleep(boolean inStream) {
        if (inStream) {
            LockSupport.parkNanos(this, LOOK_INTERVAL_NANOS);
            return;
        }
        sleeping = true;
        if (pending == null) {   // a last look: an event pushed before 'sleeping' was set is seen here
            LockSupport.parkNanos(this, LOOK_INTERVAL_NANOS);
        }
        sleeping = false;
    }

    /** @return how many events it delivered */
    private int deliverOldestFirst(Node newestFirst) {
        Node oldestFirst = null;
        while (newestFirst != null) {
            Node next = newestFirst.next;
            newestFirst.next = oldestFirst;
            oldestFirst = newestFirst;
            newestFirst = next;
        }
        int count = 0;
        for (Node n = oldestFirst; n != null; n = n.next) {
            deliver(n.event);
            count++;
        }
        return count;
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
