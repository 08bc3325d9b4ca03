package dev.arbor;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Where and when an event happened: given with each event to an {@link EventListener}, for log
 * pipelines and metrics that must tell two supervisors named {@code workers} apart.
 *
 * @param time     when it happened, from the supervisor's clock ({@link SupervisorClock#instant()});
 *                 the events of one locked section (a failure and the restart it causes) share one
 *                 time
 * @param path     the names of the supervisors from the root of the tree down to the one that
 *                 emitted the event, root first; immutable
 * @param service  the child the event is about (a {@link ServiceRef} usable with the emitting
 *                 supervisor); empty for the supervisor's own events (backoff, termination, drops)
 * @param action   for a {@link SupervisorEvent.ServiceFailed}, what the supervisor does next with
 *                 the child; empty for every other event
 */
public record EventContext(Instant time, List<String> path, Optional<ServiceRef> service,
                           Optional<FailureAction> action) {
    /** Copies the path; rejects nulls and an empty path. */
    public EventContext {
        Objects.requireNonNull(time, "time");
        path = List.copyOf(Objects.requireNonNull(path, "path"));
        if (path.isEmpty()) {
            throw new IllegalArgumentException("path must name at least the emitting supervisor");
        }
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(action, "action");
    }

    /**
     * The path joined with {@code '/'}, e.g. {@code "app/workers"}: a compact key for logs and tags.
     *
     * @return the path as one string
     */
    public String pathString() {
        return String.join("/", path);
    }
}
