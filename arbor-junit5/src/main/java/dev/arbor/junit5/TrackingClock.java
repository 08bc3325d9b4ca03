package dev.arbor.junit5;

import dev.arbor.Cancellable;
import dev.arbor.SupervisorClock;
import dev.arbor.testing.ManualClock;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The clock the test's supervisor is built on: the test's {@link ManualClock}, which it delegates
 * to entirely, plus a record of when each of its pending timers is due and how many have fired. It
 * lets the stop after the test advance the ManualClock exactly to the next shutdown deadline, so
 * that a deadline scheduled when an earlier one fires is not passed in the same advance.
 */
final class TrackingClock implements SupervisorClock {
    private final ManualClock clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final List<Timer> pending = new ArrayList<>();
    private long fired;

    TrackingClock(ManualClock clock) {
        this.clock = clock;
    }

    @Override
    public long nanoTime() {
        return clock.nanoTime();
    }

    @Override
    public Cancellable schedule(Duration delay, Runnable task) {
        Objects.requireNonNull(delay, "delay must not be null");
        Objects.requireNonNull(task, "task must not be null");
        Timer timer = new Timer();
        Cancellable scheduled = clock.schedule(delay, () -> {
            forget(timer, true);
            task.run();
        });
        // Read after scheduling: if the clock moved meanwhile this errs late, and an advance to it
        // still reaches the timer.
        long due = saturatedAdd(clock.nanoTime(), delay);
        lock.lock();
        try {
            if (!timer.done) {
                timer.due = due;
                pending.add(timer);
            }
        } finally {
            lock.unlock();
        }
        return () -> {
            forget(timer, false);
            scheduled.cancel();
        };
    }

    /** When the earliest pending timer of this supervisor is due, in the clock's nanoseconds. */
    OptionalLong nextDue() {
        lock.lock();
        try {
            return pending.stream().mapToLong(timer -> timer.due).min();
        } finally {
            lock.unlock();
        }
    }

    /** How many of this supervisor's timers have fired. */
    long fired() {
        lock.lock();
        try {
            return fired;
        } finally {
            lock.unlock();
        }
    }

    private void forget(Timer timer, boolean firing) {
        lock.lock();
        try {
            timer.done = true;
            pending.remove(timer);
            if (firing) {
                fired++;
            }
        } finally {
            lock.unlock();
        }
    }

    private static long saturatedAdd(long nanos, Duration delay) {
        long delta;
        try {
            delta = delay.toNanos();
        } catch (ArithmeticException tooLong) {
            return Long.MAX_VALUE;
        }
        long sum = nanos + delta;
        return sum < nanos ? Long.MAX_VALUE : sum;
    }

    /** One scheduled task; identity matters, so not a record. Guarded by the lock. */
    private static final class Timer {
        long due;
        boolean done;
    }
}
