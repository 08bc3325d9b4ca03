package dev.arbor.internal;

import java.time.Duration;

/**
 * The decaying failure count of one supervisor (API.md, "Failure accounting"):
 * on each counted failure at {@code t}, {@code failures = failures * 0.5^((t - tPrevious) / halfLife) + 1};
 * the first failure ever, or any failure with a zero half-life, sets it to 1.
 *
 * <p>Not thread-safe: owned by its supervisor and used under the supervisor's lock.
 */
public final class FailureCounter {
    private final long halfLifeNanos;
    private double failures;
    private long lastNanos;
    private boolean counting;

    /** @param halfLife how fast failures are forgotten; zero keeps no memory */
    public FailureCounter(Duration halfLife) {
        this.halfLifeNanos = SystemClock.saturatedNanos(halfLife);
    }

    /** Counts one failure at {@code nowNanos} and returns the new count. */
    public double record(long nowNanos) {
        failures = (!counting || halfLifeNanos == 0) ? 1.0 : decayedAt(nowNanos) + 1.0;
        lastNanos = nowNanos;
        counting = true;
        return failures;
    }

    /** The count decayed to {@code nowNanos}, without counting anything. */
    public double current(long nowNanos) {
        return counting ? decayedAt(nowNanos) : 0.0;
    }

    /** Forgets every failure (at the end of a backoff, or when a supervisor starts a new run). */
    public void reset() {
        failures = 0.0;
        counting = false;
    }

    private double decayedAt(long nowNanos) {
        long elapsed = Math.max(0, nowNanos - lastNanos);
        if (elapsed == 0) {
            return failures;
        }
        if (halfLifeNanos == 0) {
            return 0.0;
        }
        return failures * Math.pow(0.5, (double) elapsed / halfLifeNanos);
    }
}
