package dev.arbor;

import java.io.Serial;
import java.util.Objects;

/**
 * A child that awaits its ready signal ({@link ChildSpec#withStartTimeout}) did not become ready
 * during its supervisor's start (OTP's {@code failed_to_start_child}): it failed or ended before
 * calling {@link ServiceContext#ready()}, or its start timeout elapsed first. The supervisor then
 * stops what it had started, in its stop order, and terminates with this exception as its
 * {@link Supervisor#terminationCause()} and in its {@link SupervisorEvent.SupervisorTerminated};
 * {@link Supervisor#start()} and {@link Supervisor#run()} throw it once everything has stopped. A
 * child supervisor ends with it as a failure, which fails its parent's start in turn if the parent
 * awaited it, or is restarted according to its {@link Restart} type otherwise.
 *
 * <p>Its {@link #getCause() cause} is what the child's run threw, a
 * {@link java.util.concurrent.TimeoutException} for a timeout, or null if the run returned. Immutable.
 */
public class StartFailedException extends RuntimeException {
    @Serial private static final long serialVersionUID = 1L;

    /** The name of the supervisor whose start failed. */
    private final String supervisor;
    /** The name of the child that failed or timed out before its ready signal. */
    private final String child;

    /**
     * Creates one.
     *
     * @param supervisor the name of the supervisor whose start failed
     * @param child      the name of the child that did not become ready
     * @param why        what happened, for the message
     * @param cause      what the child's run threw, a TimeoutException, or null
     * @throws NullPointerException if supervisor, child or why is null
     */
    public StartFailedException(String supervisor, String child, String why, Throwable cause) {
        super("supervisor \"" + Objects.requireNonNull(supervisor, "supervisor must not be null")
                + "\" failed to start child \"" + Objects.requireNonNull(child, "child must not be null") + "\": "
                + Objects.requireNonNull(why, "why must not be null"), cause);
        this.supervisor = supervisor;
        this.child = child;
    }

    /**
     * The supervisor whose start failed.
     *
     * @return its name
     */
    public String supervisor() {
        return supervisor;
    }

    /**
     * The child that did not become ready.
     *
     * @return its name
     */
    public String child() {
        return child;
    }
}
