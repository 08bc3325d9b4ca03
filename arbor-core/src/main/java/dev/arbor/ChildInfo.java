package dev.arbor;

import java.util.Objects;
import java.util.Optional;

/**
 * A snapshot of one child, as returned by {@link Supervisor#children()}.
 *
 * @param ref         the child's ref, usable with {@link Supervisor#remove}
 * @param name        its name
 * @param state       where it is now
 * @param restarts    how many times it has been restarted
 * @param lastFailure what its most recent failed run threw, if any run threw
 */
public record ChildInfo(ServiceRef ref, String name, ChildState state, int restarts,
                        Optional<Throwable> lastFailure) {
    /** Rejects nulls. */
    public ChildInfo {
        Objects.requireNonNull(ref, "ref");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(lastFailure, "lastFailure");
    }
}
