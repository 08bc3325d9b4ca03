package dev.arbor;

import java.io.Serial;
import java.time.Duration;
import java.util.Objects;

/**
 * The cause a supervisor terminates with when its restart intensity is exceeded: more than
 * {@code restarts} restarts within one {@code window} ({@link Supervisor.Builder#maxRestarts}).
 * The supervisor stops its children in its stop order, emits
 * {@link SupervisorEvent.SupervisorTerminated} with this exception, and reports it in
 * {@link Supervisor#terminationCause()}; a root's {@link Supervisor#run()} throws it. A child
 * supervisor ends with it as a failure: its parent counts it and restarts that child supervisor
 * or not according to the child's {@link Restart} type, so the escalation climbs as far as the
 * tree says.
 *
 * <p>Its message names the supervisor, the limit and the window; its {@link #getCause() cause} is
 * what the last failed run threw ({@code null} when that run was a {@link Restart#PERMANENT} one
 * that returned normally). Immutable.
 */
public class RestartIntensityException extends RuntimeException {
    @Serial private static final long serialVersionUID = 1L;

    /** The name of the supervisor that gave up. */
    private final String supervisor;
    /** How many restarts it tolerated within the window. */
    private final int restarts;
    /** The window, on the supervisor's clock. */
    private final Duration window;

    /**
     * Creates one.
     *
     * @param supervisor  the name of the supervisor that gave up
     * @param restarts    the limit it exceeded: more than this many restarts within one window
     * @param window      the window of the limit
     * @param lastFailure what the failed run that exceeded the limit threw, or null if it returned
     * @throws NullPointerException     if supervisor or window is null
     * @throws IllegalArgumentException if restarts is negative or window is not positive
     */
    public RestartIntensityException(String supervisor, int restarts, Duration window, Throwable lastFailure) {
        super(message(supervisor, restarts, window, lastFailure), lastFailure);
        this.supervisor = supervisor;
        this.restarts = restarts;
        this.window = window;
    }

    private static String message(String supervisor, int restarts, Duration window, Throwable lastFailure) {
        Objects.requireNonNull(supervisor, "supervisor must not be null");
        Objects.requireNonNull(window, "window must not be null");
        if (restarts < 0) {
            throw new IllegalArgumentException("restarts must be >= 0, was " + restarts);
        }
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("window must be > 0, was " + window);
        }
        return "supervisor \"" + supervisor + "\" gave up: more than " + restarts + " restart"
                + (restarts == 1 ? "" : "s") + " within " + window + "; last failure: "
                + (lastFailure == null ? "a run returned normally" : lastFailure);
    }

    /**
     * The name of the supervisor that gave up.
     *
     * @return the supervisor's name
     */
    public String supervisor() {
        return supervisor;
    }

    /**
     * The limit that was exceeded.
     *
     * @return the restarts one window tolerated
     */
    public int restarts() {
        return restarts;
    }

    /**
     * The window of the limit.
     *
     * @return the window, positive
     */
    public Duration window() {
        return window;
    }
}
