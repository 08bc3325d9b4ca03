package dev.arbor.internal;

import dev.arbor.StopOrder;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Children whose runs must end before something else can happen: the supervisor's termination,
 * or a strategy restart. In {@link StopOrder#REVERSE} it asks one child at a time, newest first,
 * and waits for its run to end or be abandoned before asking the next; in
 * {@link StopOrder#PARALLEL} it asks all at once. Members can join while it is in progress
 * (a second failure widening a restart). Guarded by the owning supervisor's lock.
 *
 * <p>Members not yet asked sit in a list sorted by add order. A member whose run ends before it is
 * asked is not searched for: it is skipped when its turn comes ({@code child.batch} no longer
 * names this batch). So a shutdown of n children costs O(n), not O(n log n).
 */
final class StopBatch {
    /** Who delivers the stop requests: the supervisor's one entry point, and all a batch may call. */
    @FunctionalInterface
    interface Requester {
        /** Asks these runs to stop (some may be abandoned at once, for a zero timeout). */
        void requestStops(List<Run> runs, Outbox out);
    }

    private final StopOrder order;
    private final ArrayList<Child> notYetAsked = new ArrayList<>();
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
            child.batch.memberGone(child);
        }
        child.batch = this;
        live++;
        int last = notYetAsked.size() - 1;
        if (last < 0 || notYetAsked.get(last).seq < child.seq) {
            notYetAsked.add(child);                        // the usual case: joining in add order
        } else {
            int at = Collections.binarySearch(notYetAsked, child, (a, b) -> Long.compare(a.seq, b.seq));
            notYetAsked.add(at < 0 ? -at - 1 : at, child);
        }
    }

    /** The member's run ended or was abandoned. */
    void memberGone(Child child) {
        live--;
        child.batch = null;
        if (current == child) {
            current = null;
        }
    }

    /**
     * Asks the next members to stop (which may abandon some at once, for a zero timeout) and
     * tells whether every member is gone.
     */
    boolean advance(Requester requester, Outbox out) {
        if (order == StopOrder.PARALLEL) {
            if (!notYetAsked.isEmpty()) {
                List<Run> runs = new ArrayList<>(notYetAsked.size());
                for (Child child : notYetAsked) {
                    if (child.batch == this) {
                        runs.add(child.run);
                    }
                }
                notYetAsked.clear();
                requester.requestStops(runs, out);
            }
            return live == 0;
        }
        while (current == null && !notYetAsked.isEmpty()) {
            Child next = notYetAsked.remove(notYetAsked.size() - 1);
            if (next.batch == this) {
                current = next;
                requester.requestStops(List.of(next.run), out);   // may abandon it at once
            }
        }
        return live == 0;
    }
}
