package dev.arbor;

import java.util.List;
import java.util.Objects;

/**
 * One service run that did not stop in time.
 *
 * @param path the {@link Supervisor#name()} of each supervisor from the stopped one down to the
 *             service's own supervisor, root first; an immutable list
 * @param name the service's name
 */
public record UnstoppedService(List<String> path, String name) {
    /** Copies the path; neither argument may be null. */
    public UnstoppedService {
        path = List.copyOf(Objects.requireNonNull(path, "path"));
        Objects.requireNonNull(name, "name");
    }
}
