package dev.arbor.internal;

import dev.arbor.EventContext;
import dev.arbor.EventListener;
import dev.arbor.FailureAction;
import dev.arbor.ServiceRef;
import dev.arbor.SupervisorEvent;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
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
 *
 * <p><b>Bounded.</b> At most {@code capacity} accepted events wait for the listener (roughly: each
 * concurrent publisher may overshoot by one section's events). Beyond that, events are dropped and
 * counted, and an {@link SupervisorEvent.EventsDropped} is delivered once the listener has caught
 * up. Drops keep what is delivered consistent: a run's start and end are dropped together (a start
 * dropped for want of room marks its child, and that child's next end is dropped too; an end whose
 * start was kept is always kept), backoffs likewise, and a termination is never dropped. So the
 * queue exceeds the capacity by at most one end per open run and one termination per supervisor.
 *
 * <p><b>Flush.</b> {@link #awaitDelivered} lets a caller wait, bounded, until every event accepted
 * so far has been delivered: {@code stop()} uses it so that a program that stops its tree and
 * exits does not lose the last events.
 *
 * <p><b>Listener faults.</b> What a listener throws is logged and skipped; a fatal JVM error (a
 * {@link VirtualMachineError} other than {@link StackOverflowError}) is handed to the channel's
 * {@link Owner}, which terminates with it, as for a run that throws one.
 */
public final class EventChannel {
    /** What a channel needs from the supervisor that owns it. */
    public interface Owner {
        /** @return the owner's name, for {@link SupervisorEvent.EventsDropped} */
        String name();

        /** @return the owner's path and the time now, for an event the channel makes itself */
        EventContext contextNow();

        /** The listener threw a fatal JVM error: the owner terminates with it. Called outside every lock. */
        void listenerFailedFatally(Throwable error);
    }

    /** An owner for channels made outside a supervisor (tests): logs a fatal error. */
    private static final Owner DETACHED = new Owner() {
        @Override
        public String name() {
            return "?";
        }

        @Override
        public EventContext contextNow() {
            return new EventContext(Instant.now(), List.of("?"), Optional.empty(), Optional.empty());
        }

        @Override
        public void listenerFailedFatally(Throwable error) {
            LOG.log(System.Logger.Level.ERROR, "event listener threw a fatal error", error);
        }
    };

    /**
     * Whatever a dropped start is keyed on: its child (a run), or its supervisor (a backoff). The
     * mark is read and written under the lock of the supervisor that publishes the key's events.
     */
    interface SpanKey {
        boolean startDropped();

        void startDropped(boolean dropped);
    }
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

    private final EventListener listener;
    private final Consumer<? super SupervisorEvent> plain;   // the consumer of a ConsumerListener: no context needed
    private final Owner owner;
    private final long capacity;
    private final AtomicLong accepted = new AtomicLong();    // ever accepted; flushes wait for this many
    private final AtomicLong dropped = new AtomicLong();     // dropped since the last EventsDropped
    private final AtomicInteger marked = new AtomicInteger(); // keys whose start was dropped, end still due
    private volatile long delivered;                          // ever delivered; written by the drainer only
    private final ReentrantLock flushLock = new ReentrantLock();
    private final Condition deliveredMore = flushLock.newCondition();
    private volatile int flushWaiters;                        // written under flushLock
    private final AtomicBoolean draining = new AtomicBoolean();   // a drainer thread runs (or is being started)
    @SuppressWarnings("unused")   // via PENDING: newest first
    private volatile Node pending;
    @SuppressWarnings("unused")   // via MUST_START: a publisher claimed the start of a drainer
    private volatile boolean mustStart;
    @SuppressWarnings("unused")   // via SLEEPING: the drainer sleeps and takes an unpark for new events
    private volatile boolean sleeping;
    private volatile Thread drainer;

    /**
     * A channel of a supervisor.
     *
     * @param listener the receiver of every event published here
     * @param owner    the supervisor the listener belongs to
     * @param capacity how many events may wait for the listener before events are dropped
     */
    public EventChannel(EventListener listener, Owner owner, int capacity) {
        this.listener = listener;
        this.plain = listener instanceof ConsumerListener c ? c.consumer() : null;
        this.owner = owner;
        this.capacity = capacity;
    }

    /**
     * An unbounded channel outside any supervisor, for tests of delivery.
     *
     * @param listener the consumer of every event published here
     */
    public EventChannel(Consumer<? super SupervisorEvent> listener) {
        this(new ConsumerListener(listener), DETACHED, Integer.MAX_VALUE);
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
        if (batch.newest == null) {
            return false;
        }
        if (marked.get() > 0 || queued() + batch.size > capacity) {
            long before = dropped.get();
            keepWhatFits(batch);
            if (batch.newest == null) {
                return dropped.get() != before && claimDrainer();   // someone must report the drop
            }
        }
        Node newest = batch.newest;
        Node oldest = batch.oldest;
        accepted.addAndGet(batch.size);   // the one atomic update per batch; queued() is derived
        batch.newest = null;
        batch.oldest = null;
        batch.size = 0;
        Node head;
        do {
            head = pending;
            oldest.next = head;
        } while (!PENDING.compareAndSet(this, head, newest));
        return claimDrainer();
    }

    /** After a push (or a drop): whether the caller must start a drainer or wake the one asleep. */
    private boolean claimDrainer() {
        if (!draining.get() && draining.compareAndSet(false, true)) {
            mustStart = true;
            return true;
        }
        // Read after the push, as the drainer writes 'sleeping' before its last look: either it
        // sees this batch, or this sees it asleep.
        return sleeping && SLEEPING.compareAndSet(this, true, false);
    }

    /**
     * Drops from a batch what the buffer has no room for, oldest first, keeping spans whole (see
     * the class comment). Runs under the publishing supervisor's lock, which guards the keys.
     */
    private void keepWhatFits(Batch batch) {
        Node oldestFirst = reverse(batch.newest);
        batch.clear();
        long room = capacity - queued();
        for (Node n = oldestFirst; n != null; ) {
            Node next = n.next;
            if (keep(n, room - batch.size)) {
                batch.push(n);
            } else if (dropped.getAndIncrement() == 0) {
                // The first drop since the last report: the report is owed, so flushes wait for it.
                accepted.incrementAndGet();
            }
            n = next;
        }
    }

    private boolean keep(Node n, long room) {
        SpanKey key = n.key;
        if (key == null) {
            return true;
        }
        if (n.event instanceof SupervisorEvent.SupervisorTerminated) {
            // Never dropped. It also closes a backoff that a shutdown cut short without a
            // BackoffEnded, so a dropped BackoffStarted leaves no mark behind.
            unmark(key);
            return true;
        }
        if (isStart(n.event)) {
            boolean drop = room <= 0;
            if (drop != key.startDropped()) {
                key.startDropped(drop);
                marked.addAndGet(drop ? 1 : -1);
            }
            return !drop;
        }
        return !unmark(key);                          // an end goes with its start, kept or dropped
    }

    /** Clears a key's mark; true if it had one (its span's start was dropped). */
    private boolean unmark(SpanKey key) {
        if (!key.startDropped()) {
            return false;
        }
        key.startDropped(false);
        marked.decrementAndGet();
        return true;
    }

    /** Accepted and not yet delivered: what the buffer holds (read without a lock; close enough for a bound). */
    private long queued() {
        return accepted.get() - delivered;
    }

    /** Whether the listener reads {@link EventContext}s: if not, the supervisor need not stamp its events. */
    public boolean wantsContext() {
        return plain == null;
    }

    /** How many spans have a dropped start and no end yet (for tests). */
    int openDrops() {
        return marked.get();
    }

    private static boolean isStart(SupervisorEvent event) {
        return event instanceof SupervisorEvent.ServiceStarted || event instanceof SupervisorEvent.BackoffStarted;
    }

    /**
     * Waits in real time until every event accepted before the call has been delivered.
     * Returns at once when called from the listener itself (it would wait for itself).
     *
     * @param nanos the most to wait
     * @return true if they were delivered, false on timeout (or from the listener's own thread)
     * @throws InterruptedException if interrupted while waiting
     */
    public boolean awaitDelivered(long nanos) throws InterruptedException {
        long target = accepted.get();
        if (delivered >= target) {
            return true;
        }
        if (Thread.currentThread() == drainer) {
            return false;
        }
        flushLock.lock();
        flushWaiters++;
        try {
            while (delivered < target) {
                if (nanos <= 0) {
                    return false;
                }
                nanos = deliveredMore.awaitNanos(nanos);
            }
            return true;
        } finally {
            flushWaiters--;
            flushLock.unlock();
        }
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
                    reportDrops();                    // caught up: tell the listener what it missed
                    idle++;
                    lastBatch = 0;
                } else {
                    idle = 0;
                    lastBatch = deliverOldestFirst(batch);
                }
                sleep(lastBatch >= STREAM_BATCH);
            }
            draining.set(false);
            // An event pushed (or dropped) after the last swap but before the flag cleared has no
            // drainer yet.
            if ((pending == null && dropped.get() == 0) || !draining.compareAndSet(false, true)) {
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
        int count = 0;
        for (Node n = reverse(newestFirst); n != null; n = n.next) {
            deliver(n.event, n);
            count++;
        }
        delivered(count);
        return count;
    }

    /** Accounts for {@code count} events delivered, and wakes flushes waiting for them. */
    private void delivered(int count) {
        delivered += count;                // one drainer at a time: a plain volatile write suffices
        if (flushWaiters > 0) {
            flushLock.lock();
            try {
                deliveredMore.signalAll();
            } finally {
                flushLock.unlock();
            }
        }
    }

    private void reportDrops() {
        long count = dropped.getAndSet(0);
        if (count > 0) {
            deliver(new SupervisorEvent.EventsDropped(owner.name(), count), null);
            delivered(1);
        }
    }

    private static Node reverse(Node newestFirst) {
        Node oldestFirst = null;
        while (newestFirst != null) {
            Node next = newestFirst.next;
            newestFirst.next = oldestFirst;
            oldestFirst = newestFirst;
            newestFirst = next;
        }
        return oldestFirst;
    }

    /** Delivers one event; {@code node} carries its context, null for an event made here. */
    private void deliver(SupervisorEvent event, Node node) {
        try {
            if (plain != null) {
                plain.accept(event);
            } else {
                listener.onEvent(event, node == null ? owner.contextNow() : node.context());
            }
        } catch (Throwable t) { // a faulty listener must never break supervision
            if (Outcome.isFatal(t)) {
                owner.listenerFailedFatally(t);
            } else {
                LOG.log(System.Logger.Level.WARNING, "event listener threw on " + event, t);
            }
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
        private int size;

        /**
         * Records an event with no context (tests of delivery).
         *
         * @param event what happened; recorded after every event recorded before it
         */
        public void add(SupervisorEvent event) {
            add(event, null, Instant.EPOCH, List.of("?"), null);
        }

        /**
         * Records an event after every event recorded before it.
         *
         * @param event  what happened
         * @param key    the child (a run's events) or supervisor (a backoff's) it belongs to; null
         *               for an event that is never dropped
         * @param time   when
         * @param path   the emitting supervisor's path, immutable
         * @param action what follows a failure, or null
         */
        void add(SupervisorEvent event, SpanKey key, Instant time, List<String> path, FailureAction action) {
            push(new Node(event, key, time, path, action));
        }

        private void push(Node node) {
            node.next = newest;
            newest = node;
            if (oldest == null) {
                oldest = node;
            }
            size++;
        }

        /** Drops the recorded events (a supervisor with no channel yet has nobody to tell). */
        public void clear() {
            newest = null;
            oldest = null;
            size = 0;
        }
    }

    private static final class Node {
        final SupervisorEvent event;
        final SpanKey key;
        final Instant time;
        final List<String> path;
        final FailureAction action;
        Node next;

        Node(SupervisorEvent event, SpanKey key, Instant time, List<String> path, FailureAction action) {
            this.event = event;
            this.key = key;
            this.time = time;
            this.path = path;
            this.action = action;
        }

        EventContext context() {
            ServiceRef ref = key instanceof ServiceRef r ? r : null;
            return new EventContext(time, path, Optional.ofNullable(ref), Optional.ofNullable(action));
        }
    }
}
