package dev.arbor.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The deadlines of the stop requests made in one locked section, grouped by shutdown timeout so
 * that runs asked together share one {@link Deadline} and one timer. A zero timeout has no timer:
 * such a run is due at once (it cannot have ended while the lock is held).
 *
 * <p><b>Computes, never applies:</b> the supervisor schedules the timers and abandons the runs
 * due now. Used under the supervisor's lock, for one section only.
 */
final class StopDeadlines {
    private Map<Duration, Deadline> byTimeout;
    private Duration lastTimeout;        // runs asked together usually share one timeout:
    private Deadline lastDeadline;       // skip the map lookup for each of them
    private List<Run> dueNow = List.of();

    /** Files a run asked to stop with its shutdown timeout. */
    void add(Run run, Duration timeout) {
        if (timeout.isZero()) {
            dueNow = dueNow.isEmpty() ? new ArrayList<>() : dueNow;
            dueNow.add(run);
            return;
        }
        if (!timeout.equals(lastTimeout)) {
            lastTimeout = timeout;
            lastDeadline = (byTimeout == null ? byTimeout = new HashMap<>() : byTimeout)
                    .computeIfAbsent(timeout, t -> new Deadline());
        }
        lastDeadline.add(run);
    }

    /** The runs with a zero timeout, in the order they were filed. */
    List<Run> dueNow() {
        return dueNow;
    }

    /** Each distinct timeout with its deadline, for the supervisor to schedule. */
    void forEachTimer(BiConsumer<Duration, Deadline> schedule) {
        if (byTimeout != null) {
            byTimeout.forEach(schedule);
        }
    }
}
