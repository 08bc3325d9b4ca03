package dev.arbor.internal;

import dev.arbor.Cancellable;

import java.util.ArrayList;
import java.util.List;

/**
 * A shutdown timeout shared by the runs whose stop was requested at the same instant with the
 * same timeout: stopping 100,000 children in parallel schedules one timer, not 100,000. Guarded by
 * the owning supervisor's lock.
 */
final class Deadline {
    final List<Run> runs = new ArrayList<>();
    private int pending;
    Cancellable timer;

    void add(Run run) {
        runs.add(run);
        run.deadline = this;
        pending++;
    }

    /**
     * One of its runs is gone; the timer is cancelled once none is left to wait for.
     *
     * @return a fatal error the timer's {@code cancel} threw, for the supervisor to terminate with; or null
     */
    Throwable runGone() {
        if (--pending == 0 && timer != null) {
            return Timers.cancel(timer);
        }
        return null;
    }
}
