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
 *
 * <p><b>Called under the supervisor's lock.</b> A supervisor reads the time, schedules and cancels
 * while holding its lock, so every method must be quick, must not block, must not wait for a task
 * (the task needs that lock: waiting for it deadlocks) and must not call back into the supervisor.
 * Blocking cannot be bounded by the supervisor: it holds up that supervisor (and its parent's
 * {@code children()}, {@code health()} and reports) until the call returns. Every other
 * misbehaviour is decided:
 * <ul>
 *   <li>{@code nanoTime} throws: the failure being counted is counted at the last good reading, and
 *       the supervisor terminates with an IllegalStateException carrying what was thrown (a fatal
 *       JVM error: with the error itself). A reading earlier than the previous one counts as no
 *       time elapsed: the failure count neither decays nor grows from it, and a backoff's remaining
 *       time never exceeds its length.</li>
 *   <li>{@code schedule} throws: there is no timer. For a backoff's end the supervisor terminates
 *       as above (the children waiting for the backoff are stopped with the others); for shutdown
 *       timeouts the runs they were for are abandoned at once, as with a zero timeout
 *       ({@link SupervisorEvent.ServiceStopTimeout}, listed in the {@link StopReport}), so a stop
 *       never waits for a timer that does not exist, and a running supervisor terminates too.</li>
 *   <li>{@code schedule} returns null: the timer works but cannot be cancelled; when it fires
 *       late it finds nothing to do.</li>
 *   <li>{@code schedule} runs a task inline, inside the call (this supervisor's or another's):
 *       the task is run right after the supervisor releases its lock, as soon as possible.</li>
 *   <li>a handle's {@link Cancellable#cancel} throws: logged at WARNING; the timer fires and finds
 *       nothing to do. A fatal JVM error terminates the supervisor with it.</li>
 *   <li>{@code health()} reads the time too: what {@code nanoTime} throws there is thrown to
 *       {@code health()}'s caller, and nothing changes.</li>
 * </ul>
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
     * that moves with it. Best effort: if it throws or returns null, the supervisor logs a warning
     * and stamps its events with the system's time instead.
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
