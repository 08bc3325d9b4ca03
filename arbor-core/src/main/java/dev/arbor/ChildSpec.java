package dev.arbor;

import java.time.Duration;
import java.util.Objects;

/**
 * How to run one child: its name, its service, when to restart it, and how long to wait for it
 * to stop. Immutable; the {@code with...} methods return copies.
 *
 * @param name            unique among the supervisor's current children; not blank
 * @param service         what to run
 * @param restart         when to restart it
 * @param shutdownTimeout how long a stop waits for a run to end before it is reported unstopped;
 *                        {@code null} means the supervisor's {@code shutdownTimeout}; zero reports a
 *                        run that has not already ended at once
 */
public record ChildSpec(String name, Service service, Restart restart, Duration shutdownTimeout) {
    /**
     * Validates the spec.
     *
     * @throws NullPointerException     if name, service or restart is null
     * @throws IllegalArgumentException if name is blank or shutdownTimeout is negative
     */
    public ChildSpec {
        Objects.requireNonNull(name, "name must not be null");
        if (name.isBlank()) {
            throw new IllegalArgumentException("name must not be blank, was \"" + name + "\"");
        }
        // Messages are built only on failure: specs are made once per add, 100,000 at a time.
        if (service == null) {
            throw new NullPointerException("service must not be null (child \"" + name + "\")");
        }
        if (restart == null) {
            throw new NullPointerException("restart must not be null (child \"" + name + "\")");
        }
        if (shutdownTimeout != null && shutdownTimeout.isNegative()) {
            throw new IllegalArgumentException(
                    "shutdownTimeout must be >= 0, was " + shutdownTimeout + " (child \"" + name + "\")");
        }
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
     * @throws NullPointerException if r is null
     */
    public ChildSpec withRestart(Restart r) {
        return new ChildSpec(name, service, r, shutdownTimeout);
    }

    /**
     * A copy with another shutdown timeout.
     *
     * @param d how long a stop waits for a run to end; {@code null} means the supervisor's default
     * @return the new spec; this one is unchanged
     * @throws IllegalArgumentException if d is negative
     */
    public ChildSpec withShutdownTimeout(Duration d) {
        return new ChildSpec(name, service, restart, d);
    }
}
