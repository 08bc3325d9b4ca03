package dev.arbor.internal;

import dev.arbor.Cancellable;
import dev.arbor.SupervisorClock;

import java.time.Duration;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The real clock. Its timer is one daemon <em>platform</em> thread, and scheduling never takes a
 * lock: {@link #schedule} queues the task on a lock-free queue and unparks the timer thread, which
 * alone owns the heap of pending tasks.
 *
 * <p>Why not a {@code ScheduledThreadPoolExecutor}: supervisors schedule while holding their lock,
 * often on a virtual thread, and the executor's queue lock is contended with its own worker. A
 * virtual thread that parks there needs a free carrier to go on; with every carrier held by
 * children spinning on the CPU it would keep the supervisor's lock, and the timer thread, which
 * needs that lock to run a deadline, would stall behind it. Here nothing that schedules can park.
 */
public final class SystemClock implements SupervisorClock {
    /** The one instance, shared by every supervisor that uses the system clock. */
    public static final SystemClock INSTANCE = new SystemClock();

    /** Far enough for any real delay, near enough that {@code now + delay} cannot overflow. */
    private static final long MAX_DELAY_NANOS = Long.MAX_VALUE / 4;
    /** A heap this big, at least half cancelled, is rebuilt without the cancelled tasks. */
    private static final int PURGE_MIN_SIZE = 1024;

    private final ConcurrentLinkedQueue<Timer> submitted = new ConcurrentLinkedQueue<>();
    private final AtomicLong sequence = new AtomicLong();
    private final AtomicInteger cancelled = new AtomicInteger();
    private final Thread timerThread;

    private SystemClock() {
        timerThread = new Thread(this::runTimers, "arbor-timer");
        timerThread.setDaemon(true);
        timerThread.start();
    }

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    /** Never blocks and never parks: safe under a supervisor's lock, on any thread. */
    @Override
    public Cancellable schedule(Duration delay, Runnable task) {
        long delayNanos = Math.min(Math.max(0, saturatedNanos(delay)), MAX_DELAY_NANOS);
        Timer timer = new Timer(System.nanoTime() + delayNanos, sequence.getAndIncrement(), task, cancelled);
        submitted.add(timer);
        LockSupport.unpark(timerThread);
        return timer;
    }

    private void runTimers() {
        PriorityQueue<Timer> pending = new PriorityQueue<>();
        while (true) {
            Timer next;
            while ((next = submitted.poll()) != null) {
                pending.add(next);
            }
            purgeIfMostlyCancelled(pending);
            long now = System.nanoTime();
            while ((next = pending.peek()) != null && (next.isCancelled() || next.dueNanos - now <= 0)) {
                pending.poll();
                if (next.isCancelled()) {
                    cancelled.decrementAndGet();
                } else {
                    next.fire();
                }
                now = System.nanoTime();
            }
            if (submitted.isEmpty()) {
                if (next == null) {
                    LockSupport.park(this);
                } else {
                    LockSupport.parkNanos(this, next.dueNanos - now);
                }
            }
        }
    }

    private void purgeIfMostlyCancelled(PriorityQueue<Timer> pending) {
        if (pending.size() >= PURGE_MIN_SIZE && cancelled.get() * 2 > pending.size()) {
            int before = pending.size();
            pending.removeIf(Timer::isCancelled);
            cancelled.addAndGet(pending.size() - before);
        }
    }

    /**
     * {@code d} in nanoseconds, saturated at {@code Long.MIN_VALUE}/{@code MAX_VALUE} instead of
     * overflowing (about 292 years).
     *
     * @param d a duration
     * @return its length in nanoseconds, saturated
     */
    public static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException overflow) {
            return d.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
    }

    /**
     * One scheduled task; cancelling only marks it, the timer thread drops it. Its state goes
     * once from PENDING to CANCELLED or FIRED (the AtomicInteger it extends), so a cancel racing
     * the fire is counted once or not at all.
     */
    private static final class Timer extends AtomicInteger implements Cancellable, Comparable<Timer> {
        private static final long serialVersionUID = 1L;
        private static final System.Logger LOG = System.getLogger("dev.arbor");
        private static final int PENDING = 0;
        private static final int CANCELLED = 1;
        private static final int FIRED = 2;

        final long dueNanos;
        final long sequence;
        private final transient Runnable task;
        private final AtomicInteger cancelledCount;

        Timer(long dueNanos, long sequence, Runnable task, AtomicInteger cancelledCount) {
            this.dueNanos = dueNanos;
            this.sequence = sequence;
            this.task = task;
            this.cancelledCount = cancelledCount;
        }

        @Override
        public void cancel() {
            if (compareAndSet(PENDING, CANCELLED)) {
                cancelledCount.incrementAndGet();
            }
        }

        boolean isCancelled() {
            return get() == CANCELLED;
        }

        void fire() {
            if (!compareAndSet(PENDING, FIRED)) {
                return;
            }
            try {
                task.run();
            } catch (Throwable t) { // a failing task must not kill the shared timer thread
                LOG.log(System.Logger.Level.ERROR, "timer task failed", t);
            }
        }

        @Override
        public int compareTo(Timer other) {
            int byTime = Long.compare(dueNanos - other.dueNanos, 0);   // overflow-safe, as nanoTime
            return byTime != 0 ? byTime : Long.compare(sequence, other.sequence);
        }
    }
}
