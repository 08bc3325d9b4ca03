package dev.arbor;

import java.util.ArrayList;

/**
 * Work that must happen after a supervisor's lock is released: calls into another supervisor
 * (whose lock a thread must never take while holding a descendant's) and notifications of hosts.
 * Keeping them out of the lock is what makes lock cycles between parent and child impossible.
 */
final class Outbox {
    private static final System.Logger LOG = System.getLogger("dev.arbor");
    private ArrayList<Runnable> actions;

    void add(Runnable action) {
        if (actions == null) {
            actions = new ArrayList<>(2);
        }
        actions.add(action);
    }

    /** Runs every action in order; one that throws (a bug) does not prevent the others. */
    void run() {
        if (actions == null) {
            return;
        }
        for (Runnable action : actions) {
            try {
                action.run();
            } catch (Throwable t) {
                LOG.log(System.Logger.Level.ERROR, "internal supervisor action failed", t);
            }
        }
    }
}
