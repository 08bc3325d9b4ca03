package dev.arbor;

import java.util.Objects;
import java.util.Optional;

/**
 * One child in a {@link SupervisorHealth} snapshot.
 *
 * <p>{@code state} tells what the child is doing as its supervisor sees it, and for a child
 * supervisor what that supervisor is doing: one in {@link SupervisorState#BACKOFF} shows as
 * {@link ChildState#BACKOFF}, one stopping as {@link ChildState#STOPPING}, as in
 * {@link Supervisor#children()}.
 *
 * @param name        the child's name
 * @param state       where it is now
 * @param restart     its restart type
 * @param restarts    how many times it has been restarted
 * @param lastFailure what its most recent failed run threw, if any run threw
 * @param supervisor  the snapshot of the child supervisor, when the child is a {@link Supervisor}
 *                    added directly; empty for a leaf service
 */
public record ChildHealth(String name, ChildState state, Restart restart, int restarts,
                          Optional<Throwable> lastFailure, Optional<SupervisorHealth> supervisor) {
    /** Rejects nulls and a negative restart count. */
    public ChildHealth {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(restart, "restart");
        Objects.requireNonNull(lastFailure, "lastFailure");
        Objects.requireNonNull(supervisor, "supervisor");
        if (restarts < 0) {
            throw new IllegalArgumentException("restarts must be >= 0, was " + restarts);
        }
    }
}
