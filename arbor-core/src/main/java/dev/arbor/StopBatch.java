package dev.arbor;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;

/**
 * Children whose runs must end before something else can happen: the supervisor's termination,
 * or a strategy restart. In {@link StopOrder#REVERSE} it asks one child at a time, newest first,
 * and waits for its run to end or be abandoned before asking the next; in
 * {@link StopOrder#PARALLEL} it asks all at once. Members can join while it is in progress
 * (a second failure widening a restart). Guarded by the owning supervisor's lock.
 */
final class StopBatch {
    private static final Comparator<Child> BY_ADD_ORDER = Comparator.comparingLong(c -> c.seq);

    private final StopOrder order;
    private final TreeSet<Child> notYetAsked = new TreeSet<>(BY_ADD_ORDER);
    private Child current;       // REVERSE: the member being waited for
    private int live;            // members whose run has neither ended nor been abandoned

    StopBatch(StopOrder order) {
        this.order = order;
    }

    /** Adds a child with a live run; it is asked to stop on the next {@link #advance}. */
    void add(Child child) {
        if (child.batch == this) {
            return;
        }
        if (child.batch != null) {
            child.batch.forget(child);
        }
        child.batch = this;
        notYetAsked.add(child);
        live++;
    }

    /** The member's run ended or was abandoned. */
    void memberGone(Child child) {
        forget(child);
        child.batch = null;
    }

    private void forget(Child child) {
        live--;
        if (current == child) {
            current = null;
        } else {
            notYetAsked.remove(child);
        }
    }

    /**
     * Asks the next members to stop (which may abandon some at once, for a zero timeout) and
     * tells whether every member is gone.
     */
    boolean advance(Supervisor supervisor, Outbox out) {
        while (!notYetAsked.isEmpty() && (order == StopOrder.PARALLEL || current == null)) {
            if (order == StopOrder.PARALLEL) {
                List<Run> runs = new ArrayList<>(notYetAsked.size());
                for (Child child : notYetAsked) {
                    runs.add(child.run);
                }
                // Members stay counted in `live` until their runs end; only the asking is done.
                notYetAsked.clear();
                supervisor.requestStops(runs, out);
            } else {
                current = notYetAsked.pollLast();
                supervisor.requestStops(List.of(current.run), out);
            }
        }
        return live == 0;
    }
}
