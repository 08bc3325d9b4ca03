package dev.arbor;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Spreads backoff delays so that supervisors that tripped together do not all restart together.
 * Implementations must be thread-safe and return a non-negative duration.
 *
 * <p>A supervisor calls its jitter under its lock, once per backoff, so it must be quick, must not
 * block and must not call back into the supervisor (a call that would wait for it, such as
 * {@code stop()}, throws IllegalStateException there). What a faulty jitter does is decided:
 * <ul>
 *   <li>returns null or a negative duration, or throws anything but a fatal JVM error (an
 *       {@link AssertionError} or a {@link StackOverflowError} included): logged at WARNING, and the
 *       backoff lasts the base delay;</li>
 *   <li>throws a fatal JVM error (a {@link VirtualMachineError} other than
 *       {@link StackOverflowError}): the failure that exceeded the threshold is reported, not
 *       restarting, and the supervisor terminates with that error as its cause;</li>
 *   <li>returns an enormous duration: honoured (the system clock caps a timer at about 73
 *       years); a stop still cuts the backoff short.</li>
 * </ul>
 */
@FunctionalInterface
public interface Jitter {
    /**
     * The delay to wait instead of {@code base}.
     *
     * @param base the configured delay
     * @return the delay to wait; non-negative
     */
    Duration apply(Duration base);

    /**
     * No jitter: the delay is exactly the base.
     *
     * @return a jitter that returns its argument
     */
    static Jitter none() {
        return base -> base;
    }

    /**
     * A delay drawn uniformly from {@code [base, base * (1 + maxFraction))}; {@code maxFraction}
     * zero means no jitter. Delays saturate at {@code Long.MAX_VALUE} nanoseconds (about 292
     * years); a longer base is returned as is.
     *
     * @param maxFraction how much longer than the base a delay may be, as a fraction of the base
     * @return a thread-safe jitter
     * @throws IllegalArgumentException if maxFraction is negative, NaN or infinite
     */
    static Jitter uniform(double maxFraction) {
        if (!(maxFraction >= 0) || Double.isInfinite(maxFraction)) {
            throw new IllegalArgumentException("maxFraction must be finite and >= 0, was " + maxFraction);
        }
        return base -> {
            long nanos;
            try {
                nanos = base.toNanos();
            } catch (ArithmeticException beyondLongNanos) {   // about 292 years or more: no room to add
                return base;
            }
            double extra = nanos * maxFraction * ThreadLocalRandom.current().nextDouble();
            long extraNanos = Math.min((long) extra, Long.MAX_VALUE - nanos);   // exact, saturating
            return Duration.ofNanos(nanos + extraNanos);
        };
    }
}
