package dev.arbor.testing;

import dev.arbor.Cancellable;
import dev.arbor.SupervisorClock;
import dev.arbor.internal.SystemClock;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A clock that moves only when told, for deterministic tests of supervision: backoffs, failure
 * decay and shutdown timeouts all happen at the instants a test chooses, with no sleeping.
 *
 * <p>Time starts at zero. {@link #advance} moves it forward and runs, in the calling thread, every
 * task that became due, in order of due time (ties in scheduling order); each task sees
 * {@link #nanoTime()} equal to its due time. Tasks scheduled with a zero delay never run inside
 * {@code schedule}: they run at the next {@code advance}, even {@code advance(Duration.ZERO)}.
 * Tasks that a running task schedules within the advanced window run in the same advance.
 *
 * <p>Thread-safe: any thread may read the time or schedule; {@code advance} calls are serialized.
 */
public final class ManualClock implements SupervisorClock {
    private final ReentrantLock lock = new ReentrantLock();
    private final ReentrantLock advancing = new ReentrantLock();
    private final PriorityQueue<Task> tasks = new PriorityQueue<>();
    private long now;
    private long sequence;

    /** A clock at time zero with nothing scheduled. */
    public ManualClock() {
    }

    @Override
    public long nanoTime() {
        acquire();
        try {
            return now;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The Unix epoch plus the time this clock has advanced, so that the timestamps of events in a
     * test are as deterministic as the rest.
     *
     * @return {@code Instant.EPOCH} plus {@link #elapsed()}
     */
    @Override
    public Instant instant() {
        return Instant.EPOCH.plusNanos(nanoTime());
    }

    /**
     * Schedules {@code task} at {@code now + delay}.
     *
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException if delay is negative
     */
    @Override
    public Cancellable schedule(Duration delay, Runnable task) {
        Objects.requireNonNull(delay, "delay must not be null");
        Objects.requireNonNull(task, "task must not be null");
        if (delay.isNegative()) {
            throw new IllegalArgumentException("delay must be >= 0, was " + delay);
        }
        acquire();
        try {
            Task scheduled = new Task(saturatedAdd(now, delay), sequence++, task);
            tasks.add(scheduled);
            return () -> cancel(scheduled);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Moves time forward by {@code d} and runs every task that became due, in order. A task that
     * throws does not stop the others; the first exception is rethrown once all have run.
     *
     * @param d how far to move; zero runs the tasks already due (zero-delay ones included)
     *
     * @throws NullPointerException     if d is null
     * @throws IllegalArgumentException if d is negative
     */
    public void advance(Duration d) {
        Objects.requireNonNull(d, "duration must not be null");
        if (d.isNegative()) {
            throw new IllegalArgumentException("duration must be >= 0, was " + d);
        }
        advancing.lock();
        try {
            long target = saturatedAdd(nanoTime(), d);
            RuntimeException firstFailure = null;
            Task next;
            while ((next = pollDue(target)) != null) {
                try {
                    next.action.run();
                } catch (RuntimeException e) {
                    if (firstFailure == null) {
                        firstFailure = e;
                    }
                }
            }
            setNow(target);
            if (firstFailure != null) {
                throw firstFailure;
            }
        } finally {
            advancing.unlock();
        }
    }

    /**
     * How many scheduled tasks have neither run nor been cancelled: lets a test wait until a
     * supervisor has scheduled the timer it is about to trigger.
     *
     * @return the number of pending tasks
     */
    public int pendingTasks() {
        acquire();
        try {
            return tasks.size();
        } finally {
            lock.unlock();
        }
    }

    /**
     * The time elapsed since this clock was created, as moved by {@link #advance}.
     *
     * @return the sum of every advance so far
     */
    public Duration elapsed() {
        return Duration.ofNanos(nanoTime());
    }

    /**
     * Spins rather than parks: supervisors schedule while holding their own lock, and a virtual
     * thread parked there would need a free carrier to go on. Held only for a few field updates.
     */
    private void acquire() {
        while (!lock.tryLock()) {
            Thread.onSpinWait();
        }
    }

    private Task pollDue(long target) {
        acquire();
        try {
            Task head = tasks.peek();
            if (head == null || head.dueNanos > target) {
                return null;
            }
            tasks.poll();
            now = Math.max(now, head.dueNanos);
            return head;
        } finally {
            lock.unlock();
        }
    }

    private void setNow(long target) {
        acquire();
        try {
            now = Math.max(now, target);
        } finally {
            lock.unlock();
        }
    }

    private void cancel(Task task) {
        acquire();
        try {
            tasks.remove(task);
        } finally {
            lock.unlock();
        }
    }

    private static long saturatedAdd(long nanos, Duration d) {
        long delta = SystemClock.saturatedNanos(d);     // d is never negative here
        long sum = nanos + delta;
        return sum < nanos ? Long.MAX_VALUE : sum;
    }

    private record Task(long dueNanos, long sequence, Runnable action) implements Comparable<Task> {
        @Override
        public int compareTo(Task other) {
            int byTime = Long.compare(dueNanos, other.dueNanos);
            return byTime != 0 ? byTime : Long.compare(sequence, other.sequence);
        }
    }
}
