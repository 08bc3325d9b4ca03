package dev.arbor;

import java.util.Map;
import java.util.Objects;

/**
 * What a supervisor has done since it was built, counted from the events it emitted (whether or
 * not a listener received them), for monotonic counters in metrics systems. Counts never
 * decrease, also across restarts of a child supervisor.
 *
 * @param starts           {@link SupervisorEvent.ServiceStarted} events: first starts and restarts
 * @param failures         {@link SupervisorEvent.ServiceFailed} events, counted or not
 * @param failuresByCause  failures by the fully qualified class name of what the run threw;
 *                         {@code "returned"} for a PERMANENT run that returned; immutable
 * @param completions      {@link SupervisorEvent.ServiceCompleted} events
 * @param stops            {@link SupervisorEvent.ServiceStopped} events
 * @param stopTimeouts     {@link SupervisorEvent.ServiceStopTimeout} events
 * @param backoffs         {@link SupervisorEvent.BackoffStarted} events
 * @param terminations     {@link SupervisorEvent.SupervisorTerminated} events (one per run)
 */
public record SupervisorTotals(long starts, long failures, Map<String, Long> failuresByCause, long completions,
                               long stops, long stopTimeouts, long backoffs, long terminations) {
    /** The key of {@link #failuresByCause()} for a PERMANENT run that returned normally. */
    public static final String RETURNED = "returned";

    /** Copies the map; rejects nulls. */
    public SupervisorTotals {
        failuresByCause = Map.copyOf(Objects.requireNonNull(failuresByCause, "failuresByCause"));
    }
}
