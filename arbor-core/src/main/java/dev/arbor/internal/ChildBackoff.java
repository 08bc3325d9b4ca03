package dev.arbor.internal;

import dev.arbor.Cancellable;
import dev.arbor.ChildSpec;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One child's own exponential backoff ({@link ChildSpec.Backoff}, Pekko's
 * {@code restartWithBackoff}): how long its next run waits after a failure, and the timer of the
 * wait in progress. The {@code n}-th failure since the last stable run (one that lasted
 * {@code resetAfter}) waits {@code min(max, min * 2^n)}, then up to {@code jitter} times longer.
 *
 * <p><b>Computes, never applies.</b> The supervisor tells it when a run starts ({@link #runStarted})
 * and when one fails ({@link #next}), schedules the wait on its clock, hands the timer over
 * ({@link #armed}) and asks whether a timer is still the current one ({@link #isCurrent}). Made only
 * for children whose spec has a backoff, so other children pay nothing. Not thread-safe: used under
 * the supervisor's lock.
 */
final class ChildBackoff {
    private final long minNanos;
    private final long maxNanos;
    private final double jitter;
    private final long resetAfterNanos;

    private int failures;            // since the last stable run
    private long runStartedAt;
    private long generation;         // tells a stale timer from the current one
    private Cancellable timer;       // the wait in progress, or null

    ChildBackoff(ChildSpec.Backoff backoff) {
        this.minNanos = SystemClock.saturatedNanos(backoff.min());
        this.maxNanos = SystemClock.saturatedNanos(backoff.max());
        this.jitter = backoff.jitter();
        this.resetAfterNanos = SystemClock.saturatedNanos(backoff.resetAfter());
    }

    /**
     * A run of the child starts at {@code now}; a wait in progress, if any, is over.
     *
     * @return a fatal error the clock's {@code cancel()} threw, for the supervisor to terminate with; or null
     */
    Throwable runStarted(long now) {
        runStartedAt = now;
        return cancel();
    }

    /**
     * The run that started last failed at {@code now}: the delay before the next one, jittered
     * with {@code random} in [0, 1). A run that lasted {@code resetAfter} resets the count first.
     * The caller schedules the wait with {@link #generation()} and hands the timer to {@link #armed}.
     */
    Duration next(long now, double random) {
        if (now - runStartedAt >= resetAfterNanos) {
            failures = 0;
        }
        long base = delayNanos(failures);
        failures++;
        generation++;
        double extra = base * jitter * random;
        return Duration.ofNanos(base + (long) Math.min(extra, (double) (Long.MAX_VALUE - base)));
    }

    /** The delay before jitter after {@code n} failures: {@code min(max, min * 2^n)}, without overflow. */
    long delayNanos(int n) {
        if (n >= 63 || minNanos > (maxNanos >> n)) {
            return maxNanos;
        }
        return Math.min(maxNanos, minNanos << n);
    }

    /** {@link #next} with a random draw from this thread's generator. */
    Duration next(long now) {
        return next(now, ThreadLocalRandom.current().nextDouble());
    }

    long generation() {
        return generation;
    }

    void armed(Cancellable waitTimer) {
        this.timer = waitTimer;
    }

    /** Whether the child waits for its own backoff. */
    boolean waiting() {
        return timer != null;
    }

    /** Whether a timer of {@code timerGeneration} ends the wait in progress; if so, the wait is over. */
    boolean isCurrent(long timerGeneration) {
        if (timer == null || timerGeneration != generation) {
            return false;
        }
        timer = null;
        return true;
    }

    /**
     * Cancels the wait in progress, if any (a stop, a removal, a restart on demand).
     *
     * @return a fatal error the clock's {@code cancel()} threw (others are logged), or null
     */
    Throwable cancel() {
        Cancellable t = timer;
        timer = null;
        return t == null ? null : Timers.cancel(t);
    }
}
