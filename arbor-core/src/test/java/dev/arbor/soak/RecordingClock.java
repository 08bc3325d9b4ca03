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
 *
 * <p>With {@link UserCodeFaults}, it misbehaves now and then (issue 8): a read throws (recorded as
 * the last good reading, which is what the supervisor then uses) or goes backwards; a schedule
 * throws, returns no handle, runs the task inline, or returns a handle whose cancel throws.
 */
final class RecordingClock implements SupervisorClock {
    private final SupervisorClock system = SupervisorClock.system();
    private final ConcurrentLinkedQueue<Long> reads = new ConcurrentLinkedQueue<>();
    private volatile UserCodeFaults faults;
    private long last;                      // under the supervisor's lock, as every read

    void inject(UserCodeFaults faults) {
        this.faults = faults;
    }

    @Override
    public long nanoTime() {
        UserCodeFaults f = faults;
        UserCodeFaults.ClockFault fault = f == null ? UserCodeFaults.ClockFault.NONE : f.readFault();
        switch (fault) {
            case THROW, FATAL -> {
                reads.add(last);            // the supervisor counts the failure at its last good reading
                f.count("clock: nanoTime() throws" + (fault == UserCodeFaults.ClockFault.FATAL ? " OutOfMemoryError" : ""));
                if (fault == UserCodeFaults.ClockFault.FATAL) {
                    throw new OutOfMemoryError("injected in nanoTime()");
                }
                throw new IllegalStateException("injected nanoTime() bug");
            }
            case BACKWARDS -> {
                f.count("clock: nanoTime() goes backwards");
                long now = system.nanoTime() - f.backwardsNanos();
                reads.add(now);
                last = now;
                return now;
            }
            default -> {
                long now = system.nanoTime();
                reads.add(now);
                last = now;
                return now;
            }
        }
    }

    @Override
    public Cancellable schedule(Duration delay, Runnable task) {
        UserCodeFaults f = faults;
        UserCodeFaults.ClockFault fault = f == null ? UserCodeFaults.ClockFault.NONE : f.scheduleFault();
        switch (fault) {
            case THROW -> {
                f.count("clock: schedule() throws");
                throw new IllegalStateException("injected schedule() bug");
            }
            case FATAL -> {
                f.count("clock: schedule() throws OutOfMemoryError");
                throw new OutOfMemoryError("injected in schedule()");
            }
            case NULL_HANDLE -> {
                f.count("clock: schedule() returns null");
                system.schedule(delay, task);
                return null;
            }
            case INLINE -> {
                f.count("clock: schedule() runs the task inline");
                task.run();
                return () -> { };
            }
            case CANCEL_THROWS -> {
                f.count("clock: cancel() throws");
                system.schedule(delay, task);
                return () -> {
                    throw new AssertionError("injected cancel() bug");
                };
            }
            default -> {
                return system.schedule(delay, task);
            }
        }
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
