package dev.arbor;

import java.util.ArrayList;
import java.util.List;

/**
 * One run of one child: a thread serving a leaf service, or a run of a child supervisor (which
 * has no thread of its own). Mutable fields are guarded by the owning supervisor's lock, except
 * {@code stopRequested}, which a child supervisor reads when it begins the run.
 */
final class Run {
    final Child child;
    final int restarts;
    final RunContext ctx;         // leaf runs only
    final Supervisor sub;         // child-supervisor runs only
    Thread thread;                // leaf runs only

    volatile boolean stopRequested;
    boolean ended;
    boolean abandoned;            // its stop timed out: reported, kept only for StopReports
    Deadline deadline;

    Run(Child child, int restarts, RunContext ctx, Supervisor sub) {
        this.child = child;
        this.restarts = restarts;
        this.ctx = ctx;
        this.sub = sub;
    }

    /**
     * A shutdown timeout shared by the runs whose stop was requested at the same instant with the
     * same timeout: stopping 100,000 children in parallel schedules one timer, not 100,000.
     */
    static final class Deadline {
        final List<Run> runs = new ArrayList<>();
        int pending;
        dev.arbor.Cancellable timer;

        void add(Run run) {
            runs.add(run);
            run.deadline = this;
            pending++;
        }

        /** One of its runs is gone; the timer is cancelled once none is left to wait for. */
        void runGone() {
            if (--pending == 0 && timer != null) {
                timer.cancel();
            }
        }
    }
}
