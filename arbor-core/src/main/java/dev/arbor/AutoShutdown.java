package dev.arbor;

/**
 * When a supervisor stops itself because its <b>significant</b> children have completed
 * ({@link ChildSpec#withSignificant}, OTP 24's {@code auto_shutdown}); set with
 * {@link Supervisor.Builder#autoShutdown}. A significant child <b>completes</b> when it ends on
 * its own and is not restarted: a {@link Restart#TRANSIENT} one that returns normally (or throws
 * {@link DoNotRestartException}), a {@link Restart#TEMPORARY} one that ends in any way. Ends the
 * supervisor caused ({@link Supervisor#remove}, {@link Supervisor#stopChild}, a strategy restart,
 * a stop) never trigger it.
 *
 * <p>The shutdown is clean, not a failure: the supervisor stops its other children in its stop
 * order and terminates with no {@link Supervisor#terminationCause()}; a root's
 * {@link Supervisor#run()} returns normally; a child supervisor ends as a run that returned
 * normally, so its parent restarts it if it is {@link Restart#PERMANENT} (a counted failure, as
 * in OTP) and removes it if it is TRANSIENT or TEMPORARY.
 */
public enum AutoShutdown {
    /** Never: significant children are rejected by {@link Supervisor#add}, as OTP rejects them. The default. */
    NEVER,
    /** When any significant child completes. */
    ANY_SIGNIFICANT,
    /**
     * When every significant child has completed: when one completes and no other current child is
     * significant and active (not stopped with {@link Supervisor#stopChild}, not being removed).
     */
    ALL_SIGNIFICANT
}
