package dev.arbor;

import java.time.Duration;
import java.util.Objects;

/**
 * How to run one child: its name, its service, when to restart it, how long to wait for it
 * to stop, and the less common {@link Options}. Immutable; the {@code with...} methods return
 * copies.
 *
 * <p>The {@link Options} component came in v2; the v1 constructor
 * {@code ChildSpec(name, service, restart, shutdownTimeout)} and its accessors still work (it
 * means {@link Options#NONE}), but a record pattern must now name five components.
 *
 * @param name            unique among the supervisor's current children; not blank
 * @param service         what to run
 * @param restart         when to restart it
 * @param shutdownTimeout how long a stop waits for a run to end before it is reported unstopped;
 *                        {@code null} means the supervisor's {@code shutdownTimeout}; zero reports a
 *                        run that has not already ended at once
 * @param options         per-child backoff and the rest; {@link Options#NONE} for none
 */
public record ChildSpec(String name, Service service, Restart restart, Duration shutdownTimeout, Options options) {
    /**
     * Validates the spec.
     *
     * @throws NullPointerException     if name, service, restart or options is null
     * @throws IllegalArgumentException if name is blank, shutdownTimeout is negative, or the
     *                                  child is significant and PERMANENT
     */
    public ChildSpec {
        checkNameAndService(name, service);
        if (restart == null) {
            throw new NullPointerException("restart must not be null (child \"" + name + "\")");
        }
        if (shutdownTimeout != null && shutdownTimeout.isNegative()) {
            throw new IllegalArgumentException(
                    "shutdownTimeout must be >= 0, was " + shutdownTimeout + " (child \"" + name + "\")");
        }
        if (options == null) {
            throw new NullPointerException("options must not be null (child \"" + name + "\")");
        }
        if (options.significant() && restart == Restart.PERMANENT) {
            throw new IllegalArgumentException("child \"" + name + "\" is significant, so it must be TRANSIENT or "
                    + "TEMPORARY, was PERMANENT (a child that is always restarted never completes)");
        }
    }

    /**
     * What {@link #of} checks, for {@link Supervisor#add(String, Service)}, which keeps no spec.
     * Messages are built only on failure: children are added 100,000 at a time.
     */
    static void checkNameAndService(String name, Service service) {
        Objects.requireNonNull(name, "name must not be null");
        if (name.isBlank()) {
            throw new IllegalArgumentException("name must not be blank, was \"" + name + "\"");
        }
        if (service == null) {
            throw new NullPointerException("service must not be null (child \"" + name + "\")");
        }
    }

    /**
     * The v1 constructor: a spec with no {@link Options}.
     *
     * @param name            unique among the supervisor's current children; not blank
     * @param service         what to run
     * @param restart         when to restart it
     * @param shutdownTimeout how long a stop waits for a run to end; {@code null} means the
     *                        supervisor's default
     * @throws NullPointerException     if name, service or restart is null
     * @throws IllegalArgumentException if name is blank or shutdownTimeout is negative
     */
    public ChildSpec(String name, Service service, Restart restart, Duration shutdownTimeout) {
        this(name, service, restart, shutdownTimeout, Options.NONE);
    }

    /**
     * A {@link Restart#PERMANENT} child with the supervisor's default shutdown timeout.
     *
     * @param name    unique among the supervisor's current children; not blank
     * @param service what to run
     * @return the spec
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException if name is blank
     */
    public static ChildSpec of(String name, Service service) {
        return new ChildSpec(name, service, Restart.PERMANENT, null);
    }

    /**
     * A copy with another restart type.
     *
     * @param r when to restart the child
     * @return the new spec; this one is unchanged
     * @throws NullPointerException     if r is null
     * @throws IllegalArgumentException if r is PERMANENT and this child is significant
     */
    public ChildSpec withRestart(Restart r) {
        return new ChildSpec(name, service, r, shutdownTimeout, options);
    }

    /**
     * A copy with another shutdown timeout.
     *
     * @param d how long a stop waits for a run to end; {@code null} means the supervisor's default
     * @return the new spec; this one is unchanged
     * @throws IllegalArgumentException if d is negative
     */
    public ChildSpec withShutdownTimeout(Duration d) {
        return new ChildSpec(name, service, restart, d, options);
    }

    /**
     * A copy with a per-child exponential backoff (Pekko's {@code restartWithBackoff}) that
     * resets once a run has lasted {@code min}; see {@link Backoff}.
     *
     * @param min    the delay before the first restart after a failure; positive
     * @param max    the longest delay before jitter; at least min
     * @param jitter how much longer than its delay a wait may be, as a fraction: 0 to 1
     * @return the new spec; this one is unchanged
     * @throws NullPointerException     if min or max is null
     * @throws IllegalArgumentException if min is not positive, max is below min, or jitter is not
     *                                  within [0, 1]
     */
    public ChildSpec withBackoff(Duration min, Duration max, double jitter) {
        return withBackoff(new Backoff(min, max, jitter, min));
    }

    /**
     * A copy with a per-child exponential backoff that resets once a run has lasted
     * {@code resetAfter}; see {@link Backoff}.
     *
     * @param min        the delay before the first restart after a failure; positive
     * @param max        the longest delay before jitter; at least min
     * @param jitter     how much longer than its delay a wait may be, as a fraction: 0 to 1
     * @param resetAfter how long a run must last for the next failure to wait {@code min} again
     * @return the new spec; this one is unchanged
     * @throws NullPointerException     if a duration is null
     * @throws IllegalArgumentException if min is not positive, max is below min, jitter is not
     *                                  within [0, 1], or resetAfter is negative
     */
    public ChildSpec withBackoff(Duration min, Duration max, double jitter, Duration resetAfter) {
        return withBackoff(new Backoff(min, max, jitter, resetAfter));
    }

    /**
     * A copy with this per-child backoff, or none.
     *
     * @param backoff the backoff; {@code null} for none (restart at once, as by default)
     * @return the new spec; this one is unchanged
     */
    public ChildSpec withBackoff(Backoff backoff) {
        return new ChildSpec(name, service, restart, shutdownTimeout, options.withBackoff(backoff));
    }

    /**
     * A copy that awaits its ready signal (OTP's synchronous start): during its supervisor's start
     * (a root's {@link Supervisor#start()}, or a child supervisor's run begun by its parent) the
     * child counts as started only once its run called {@link ServiceContext#ready()}, and the
     * next child in add order starts only then. If the run fails or ends first, or {@code d}
     * elapses first on the supervisor's clock, the supervisor stops what it started, in its stop
     * order, and terminates with a {@link StartFailedException}, which {@code start()} throws.
     * A child supervisor counts as ready when its own start is over.
     *
     * <p><b>Restarts do not wait</b>: a restart (one for one, a strategy restart, a backoff's end,
     * on demand) starts the child at once, as for any child, and its ready signal is ignored. OTP
     * restarts synchronously, blocking its supervisor until {@code init} returns; Arbor's
     * supervisor never blocks, so it goes on reacting to other failures and stops meanwhile. A
     * dependant that needs the restarted child ready should fail and be restarted until it is.
     *
     * @param d how long the start waits for the ready signal; {@code null}: not awaited (the default)
     * @return the new spec; this one is unchanged
     * @throws IllegalArgumentException if d is zero or negative
     */
    public ChildSpec withStartTimeout(Duration d) {
        if (d != null && (d.isNegative() || d.isZero())) {
            throw new IllegalArgumentException("startTimeout must be > 0, was " + d + " (child \"" + name + "\")");
        }
        return new ChildSpec(name, service, restart, shutdownTimeout, options.withStartTimeout(d));
    }

    /**
     * A copy that is significant or not (OTP 24): when significant children complete, a
     * supervisor built with {@link Supervisor.Builder#autoShutdown} ANY_SIGNIFICANT or
     * ALL_SIGNIFICANT stops itself; see {@link AutoShutdown}. Only a TRANSIENT or TEMPORARY child
     * can be significant, and only a supervisor with an autoShutdown other than NEVER accepts one
     * ({@link Supervisor#add} rejects it otherwise), as in OTP.
     *
     * @param significant whether the child's completion may shut its supervisor down
     * @return the new spec; this one is unchanged
     * @throws IllegalArgumentException if significant is true and the child is PERMANENT
     */
    public ChildSpec withSignificant(boolean significant) {
        return new ChildSpec(name, service, restart, shutdownTimeout, options.withSignificant(significant));
    }

    /**
     * The less common settings of a child, grouped so that {@link ChildSpec} keeps its v1 shape.
     * Immutable.
     *
     * @param backoff      the per-child backoff; {@code null} for none
     * @param significant  whether its completion may shut its supervisor down ({@link AutoShutdown})
     * @param startTimeout how long its supervisor's start waits for its
     *                     {@link ServiceContext#ready()}; {@code null}: it does not await ready
     */
    public record Options(Backoff backoff, boolean significant, Duration startTimeout) {
        /** No options: the child restarts at once (subject to its supervisor's backoff), not significant, not awaited. */
        public static final Options NONE = new Options(null, false, null);

        /**
         * Validates the options.
         *
         * @throws IllegalArgumentException if startTimeout is zero or negative
         */
        public Options {
            if (startTimeout != null && (startTimeout.isNegative() || startTimeout.isZero())) {
                throw new IllegalArgumentException("startTimeout must be > 0, was " + startTimeout);
            }
        }

        /**
         * A copy with another backoff.
         *
         * @param b the backoff, or null for none
         * @return the new options
         */
        public Options withBackoff(Backoff b) {
            return new Options(b, significant, startTimeout);
        }

        /**
         * A copy that is significant or not.
         *
         * @param yes whether the child is significant
         * @return the new options
         */
        public Options withSignificant(boolean yes) {
            return new Options(backoff, yes, startTimeout);
        }

        /**
         * A copy with another start timeout.
         *
         * @param d how long a start waits for the ready signal; null: the child is not awaited
         * @return the new options
         * @throws IllegalArgumentException if d is zero or negative
         */
        public Options withStartTimeout(Duration d) {
            return new Options(backoff, significant, d);
        }
    }

    /**
     * A per-child exponential backoff (Pekko's {@code restartWithBackoff}), independent of the
     * supervisor-wide one: after a counted failure of this child, its next run waits
     * {@code min(max, min * 2^n)}, jittered up to {@code jitter} times longer, where {@code n} is
     * the number of failures since its last <b>stable</b> run, one that lasted at least
     * {@code resetAfter} on the supervisor's clock. While it waits the child is
     * {@link ChildState#BACKOFF} in {@link Supervisor#children()} (the supervisor stays RUNNING),
     * and its {@link SupervisorEvent.ServiceFailed} says {@code restarting} false.
     *
     * <ul>
     *   <li>The failure is counted as usual (the decayed count, {@code maxRestarts}): a child
     *       backoff slows one child down, it does not hide its failures.</li>
     *   <li>If the supervisor is in its own backoff as well, the child starts when both are over;
     *       in a strategy restart, when its wait and the restart are both over.</li>
     *   <li>{@link Supervisor#restartChild} cuts the wait short; {@link Supervisor#stopChild},
     *       removal and the supervisor's stop cancel it; a new run of the supervisor starts
     *       with {@code n = 0}.</li>
     * </ul>
     *
     * @param min        the delay after the first failure; positive
     * @param max        the longest delay before jitter; at least min
     * @param jitter     how much longer than its delay a wait may be, as a fraction from 0 to 1
     *                   (Pekko's {@code randomFactor}); 0 for exact delays
     * @param resetAfter how long a run must last for the count {@code n} to restart at 0; zero
     *                   resets after every run (every failure waits {@code min})
     */
    public record Backoff(Duration min, Duration max, double jitter, Duration resetAfter) {
        /**
         * Validates the backoff.
         *
         * @throws NullPointerException     if a duration is null
         * @throws IllegalArgumentException if min is not positive, max is below min, jitter is
         *                                  not within [0, 1], or resetAfter is negative
         */
        public Backoff {
            Objects.requireNonNull(min, "backoff min must not be null");
            Objects.requireNonNull(max, "backoff max must not be null");
            Objects.requireNonNull(resetAfter, "backoff resetAfter must not be null");
            if (min.isNegative() || min.isZero()) {
                throw new IllegalArgumentException("backoff min must be > 0, was " + min);
            }
            if (max.compareTo(min) < 0) {
                throw new IllegalArgumentException("backoff max must be >= min (" + min + "), was " + max);
            }
            if (!(jitter >= 0 && jitter <= 1)) {
                throw new IllegalArgumentException("backoff jitter must be within [0, 1], was " + jitter);
            }
            if (resetAfter.isNegative()) {
                throw new IllegalArgumentException("backoff resetAfter must be >= 0, was " + resetAfter);
            }
        }
    }
}
