package dev.arbor;

import java.time.Duration;
import java.time.Instant;

/**
 * The source of every delay a supervisor waits for: backoffs, failure decay and shutdown timeouts.
 * The system clock reads {@link System#nanoTime()} and runs tasks on one shared daemon platform
 * thread, so timers fire even when every virtual-thread carrier is busy. Tests pass a
 * {@link dev.arbor.testing.ManualClock} instead and never sleep.
 *
 * <p>Implementations must be thread-safe. Scheduled tasks must be run on a thread other than the
 * one that called {@code schedule}, never inline; they are short and never block.
 */
public interface SupervisorClock {
    /**
     * The current time.
     *
     * @return a monotonic time in nanoseconds; only differences matter
     */
    long nanoTime();

    /**
     * The current wall-clock time, for the timestamps of events ({@link EventContext#time()}). Never
     * used to measure a delay. The default reads {@link Instant#now()}; a test clock returns a time
     * that moves with it.
     *
     * @return the current instant
     */
    default Instant instant() {
        return Instant.now();
    }

    /**
     * Runs {@code task} once, {@code delay} from now.
     *
     * @param delay how long from now; zero means as soon as possible (never inline)
     * @param task  what to run; short and non-blocking
     * @return a handle that calls the task off if it has not run yet
     */
    Cancellable schedule(Duration delay, Runnable task);

    /**
     * The real clock, shared by all supervisors that do not set their own.
     *
     * @return the system clock
     */
    static SupervisorClock system() {
        return dev.arbor.internal.SystemClock.INSTANCE;
    }
}
