package dev.arbor.internal;

import dev.arbor.SupervisorEvent;
import dev.arbor.SupervisorTotals;

import java.util.HashMap;
import java.util.Map;

/**
 * Counts a supervisor's events by kind, as they are emitted, for {@link SupervisorTotals}.
 *
 * <p>Not thread-safe: owned by its supervisor and used under the supervisor's lock.
 */
public final class EventTotals {
    private long starts;
    private long failures;
    private final Map<Class<?>, long[]> failuresByCause = new HashMap<>();
    private long returned;
    private long completions;
    private long stops;
    private long stopTimeouts;
    private long backoffs;
    private long terminations;

    /** Counts one event. */
    public void count(SupervisorEvent event) {
        switch (event) {
            case SupervisorEvent.ServiceStarted e -> starts++;
            case SupervisorEvent.ServiceFailed e -> countFailure(e.cause());
            case SupervisorEvent.ServiceCompleted e -> completions++;
            case SupervisorEvent.ServiceStopped e -> stops++;
            case SupervisorEvent.ServiceStopTimeout e -> stopTimeouts++;
            case SupervisorEvent.BackoffStarted e -> backoffs++;
            case SupervisorEvent.BackoffEnded e -> { }
            case SupervisorEvent.SupervisorTerminated e -> terminations++;
            case SupervisorEvent.EventsDropped e -> { }      // made by the channel, never emitted
        }
    }

    private void countFailure(Throwable cause) {
        failures++;
        if (cause == null) {
            returned++;
        } else {
            failuresByCause.computeIfAbsent(cause.getClass(), c -> new long[1])[0]++;
        }
    }

    /** An immutable copy of the counts so far. */
    public SupervisorTotals snapshot() {
        Map<String, Long> byCause = new HashMap<>();
        failuresByCause.forEach((type, n) -> byCause.put(type.getName(), n[0]));
        if (returned > 0) {
            byCause.put(SupervisorTotals.RETURNED, returned);
        }
        return new SupervisorTotals(starts, failures, byCause, completions, stops, stopTimeouts, backoffs,
                terminations);
    }
}
