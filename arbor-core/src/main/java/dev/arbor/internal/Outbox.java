package dev.arbor.internal;

import java.util.ArrayList;

/**
 * Work that must happen after a supervisor's lock is released: calls into another supervisor
 * (whose lock a thread must never take while holding a descendant's) and notifications of hosts.
 * Keeping them out of the lock is what makes lock cycles between parent and child impossible.
 *
 * <p>Most outboxes carry one action (the thread start of an add or a restart), so the first
 * action has a field of its own and a list is made only for the second.
 */
final class Outbox {
    private static final System.Logger LOG = System.getLogger("dev.arbor");
    private Runnable first;
    private ArrayList<Runnable> more;

    void add(Runnable action) {
        if (first == null) {
            first = action;
            return;
        }
        if (more == null) {
            more = new ArrayList<>(4);
        }
        more.add(action);
    }

    /** Runs every action in order; one that throws (a bug) does not prevent the others. */
    void run() {
        if (first == null) {
            return;
        }
        runQuietly(first);
        if (more != null) {
            for (Runnable action : more) {
                runQuietly(action);
            }
        }
    }

    private static void runQuietly(Runnable action) {
        try {
            action.run();
        } catch (Throwable t) {
            LOG.log(System.Logger.Level.ERROR, "internal supervisor action failed", t);
        }
    }
}
