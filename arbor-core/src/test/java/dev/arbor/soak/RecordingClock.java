package dev.arbor.soak;

import dev.arbor.Cancellable;
import dev.arbor.SupervisorClock;

import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The real system clock, with every {@link #nanoTime()} read recorded in order. One instance per
 * supervisor: a supervisor reads its clock only under its lock, right before it emits the event
 * the time is for, so the reads of one supervisor come in the order of its events. The event
 * checker consumes them to compute the reference failure count (see {@link EventChecker}).
 */
final class RecordingClock implements SupervisorClock {
    private final SupervisorClock system = SupervisorClock.system();
    private final ConcurrentLinkedQueue<Long> reads = new ConcurrentLinkedQueue<>();

    @Override
    public long nanoTime() {
        long now = system.nanoTime();
        reads.add(now);
        return now;
    }

    @Override
    public Cancellable schedule(Duration delay, Runnable task) {
        return system.schedule(delay, task);
    }

    /** The oldest read not yet consumed, or null. */
    Long peek() {
        return reads.peek();
    }

    /** Drops the oldest read. */
    void consume() {
        reads.poll();
    }

    int pending() {
        return reads.size();
    }
}
