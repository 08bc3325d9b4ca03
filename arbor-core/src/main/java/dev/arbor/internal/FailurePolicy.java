package dev.arbor.internal;

import dev.arbor.Cancellable;
import dev.arbor.Jitter;

import java.time.Duration;
import java.util.Optional;

/**
 * One supervisor's failure accounting and backoff: API.md's "Failure accounting" in one place.
 * <ul>
 *   <li>Each counted failure updates the decayed count ({@link FailureCounter}).</li>
 *   <li>A count strictly above the threshold, outside a backoff, {@link #exceeded starts} one of
 *       {@code jitter.apply(failureBackoff)}; failures during a backoff do not extend it.</li>
 *   <li>When the backoff {@link #end ends}, every failure is forgotten.</li>
 * </ul>
 *
 * <p><b>Computes, never applies.</b> It never calls back into the supervisor: the supervisor asks
 * it, schedules the backoff's end on its own clock, and hands the timer over ({@link #armed}) so
 * that there is one place that cancels it. It calls two pieces of user code, under the
 * supervisor's lock: the jitter ({@link #begin}) and the timer's {@code cancel}; nothing they
 * throw gets out, except a fatal JVM error, handed to the supervisor to terminate with.
 *
 * <p>Not thread-safe: owned by its supervisor and used under the supervisor's lock.
 */
final class FailurePolicy {
    private static final System.Logger LOG = System.getLogger("dev.arbor");

    private final FailureCounter counter;
    private final double threshold;
    private final Duration backoff;
    private final Jitter jitter;

    private boolean inBackoff;
    private long generation;       // tells a stale backoff timer from the current one
    private Cancellable timer;
    private long startedAt;        // clock nanos of the failure that started the backoff
    private long lengthNanos;

    FailurePolicy(Config config) {
        this.counter = new FailureCounter(config.failureDecay());
        this.threshold = config.failureThreshold();
        this.backoff = config.failureBackoff();
        this.jitter = config.backoffJitter();
    }

    /** Counts one failure at {@code now} (the supervisor's clock) and returns the new count. */
    double record(long now) {
        return counter.record(now);
    }

    /** The decayed count at {@code now}, counting nothing: for failures that are not counted. */
    double current(long now) {
        return counter.current(now);
    }

    double threshold() {
        return threshold;
    }

    boolean inBackoff() {
        return inBackoff;
    }

    /** Whether a failure that brought the count to {@code count} starts a backoff. */
    boolean exceeded(double count) {
        return !inBackoff && count > threshold;
    }

    /**
     * Enters a backoff that starts at {@code now}, the reading of the failure that exceeded the
     * threshold (one reading per failure). Returns its length, the jittered base; the caller
     * schedules its end with {@link #generation()} and hands the timer to {@link #armed}.
     *
     * @throws VirtualMachineError if the jitter threw a fatal one; then nothing changed
     */
    Duration begin(long now) {
        Duration delay = jittered();
        generation++;
        inBackoff = true;
        startedAt = now;
        lengthNanos = SystemClock.saturatedNanos(delay);
        return delay;
    }

    long generation() {
        return generation;
    }

    void armed(Cancellable backoffTimer) {
        this.timer = backoffTimer;
    }

    /** Whether a backoff timer of {@code timerGeneration} ends the backoff in progress. */
    boolean isCurrent(long timerGeneration) {
        return inBackoff && timerGeneration == generation;
    }

    /**
     * The backoff is over: failures are forgotten and the waiting children restart.
     *
     * @return a fatal error the timer's {@code cancel} threw, for the supervisor to terminate with; or null
     */
    Throwable end() {
        inBackoff = false;
        counter.reset();
        return cancelTimer();
    }

    /**
     * A shutdown cuts the backoff short. The count stays: failures reported while stopping carry
     * it.
     *
     * @return a fatal error the timer's {@code cancel} threw, for the supervisor to terminate with; or null
     */
    Throwable cutShort() {
        inBackoff = false;
        return cancelTimer();
    }

    /** A new run of the supervisor starts with no failures. */
    void forgetFailures() {
        counter.reset();
    }

    /**
     * How long the backoff in progress still lasts at {@code now}; empty outside a backoff. A clock
     * read before the backoff began (a clock that went backwards) counts as no time elapsed.
     */
    Optional<Duration> remaining(long now) {
        if (!inBackoff) {
            return Optional.empty();
        }
        long elapsed = Math.max(0, now - startedAt);
        return Optional.of(Duration.ofNanos(Math.max(0, lengthNanos - elapsed)));
    }

    private Throwable cancelTimer() {
        Cancellable t = timer;
        timer = null;
        return t == null ? null : Timers.cancel(t);
    }

    /**
     * The jitter's delay. The base when it throws anything but a fatal JVM error (an
     * AssertionError from a buggy jitter included: the backoff still protects the process, and the
     * failure that caused it is still reported), or returns null or a negative delay. A fatal error
     * is rethrown: the supervisor terminates with it.
     */
    private Duration jittered() {
        try {
            Duration d = jitter.apply(backoff);
            if (d != null && !d.isNegative()) {
                return d;
            }
            LOG.log(System.Logger.Level.WARNING, "backoffJitter returned " + d + "; using " + backoff);
        } catch (Throwable t) {
            if (Outcome.isFatal(t)) {
                throw (VirtualMachineError) t;
            }
            LOG.log(System.Logger.Level.WARNING, "backoffJitter threw; using " + backoff, t);
        }
        return backoff;
    }
}
