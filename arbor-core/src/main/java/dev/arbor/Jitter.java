package dev.arbor;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Spreads backoff delays so that supervisors that tripped together do not all restart together.
 * Implementations must be thread-safe and return a non-negative duration.
 */
@FunctionalInterface
public interface Jitter {
    /** The delay to wait instead of {@code base}. */
    Duration apply(Duration base);

    /** No jitter: the delay is exactly the base. */
    static Jitter none() {
        return base -> base;
    }

    /**
     * A delay drawn uniformly from {@code [base, base * (1 + maxFraction))}; {@code maxFraction}
     * zero means no jitter.
     *
     * @throws IllegalArgumentException if maxFraction is negative, NaN or infinite
     */
    static Jitter uniform(double maxFraction) {
        if (!(maxFraction >= 0) || Double.isInfinite(maxFraction)) {
            throw new IllegalArgumentException("maxFraction must be finite and >= 0, was " + maxFraction);
        }
        return base -> {
            long nanos = base.toNanos();
            double extra = nanos * maxFraction * ThreadLocalRandom.current().nextDouble();
            long extraNanos = (long) Math.min(extra, Long.MAX_VALUE - (double) nanos);
            return Duration.ofNanos(nanos + extraNanos);
        };
    }
}
