package dev.arbor.internal;

import dev.arbor.Restart;
import dev.arbor.StopOrder;
import dev.arbor.Strategy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A strategy restart in progress: API.md's "Strategies". ONE_FOR_ALL stops every other child,
 * REST_FOR_ONE every child added after the failed one, through a {@link StopBatch} in the
 * supervisor's stop order; once all of them have ended, the failed child and the stopped ones
 * start again in add order. TEMPORARY children among them are removed, not restarted. A failure
 * during the wave widens it: one wave restarts everything that failed or was stopped meanwhile.
 *
 * <p><b>Computes, never applies.</b> It decides which children take part and marks them; the
 * supervisor drops what it says to drop and starts the runs. Guarded by the supervisor's lock.
 */
final class Wave {
    final StopBatch batch;
    private final Set<Child> toRestart = new HashSet<>();

    Wave(StopOrder order) {
        this.batch = new StopBatch(order);
    }

    /** The children that a failure of {@code failed} restarts besides itself, in add order. */
    static List<Child> siblingsToRestart(Strategy strategy, Child failed, Iterable<Child> children) {
        if (strategy == Strategy.ONE_FOR_ONE) {
            return List.of();
        }
        List<Child> siblings = new ArrayList<>();
        for (Child c : children) {
            boolean affected = strategy == Strategy.ONE_FOR_ALL || c.seq > failed.seq;
            if (c != failed && affected && !c.removed) {
                siblings.add(c);
            }
        }
        return siblings;
    }

    /**
     * Adds a failed child and the siblings it takes along. Siblings still running join the stop
     * batch; TEMPORARY ones are marked removed.
     *
     * @return the siblings that are idle and removed for good: the supervisor drops them
     */
    List<Child> join(Child failed, List<Child> siblings) {
        failed.markWaiting();
        toRestart.add(failed);
        List<Child> toDrop = List.of();
        for (Child sibling : siblings) {
            if (sibling.restart() == Restart.TEMPORARY) {
                sibling.removed = true;           // stopped, not restarted
            } else {
                toRestart.add(sibling);
                sibling.markWaiting();
            }
            if (sibling.run != null) {
                batch.add(sibling);
            } else if (sibling.removed) {
                toDrop = toDrop.isEmpty() ? new ArrayList<>() : toDrop;
                toDrop.add(sibling);
            }
        }
        return toDrop;
    }

    /**
     * Whether {@code child} starts again when the wave is over (if it is still a current child):
     * not if it was removed or stopped on demand ({@code stopChild}) meanwhile.
     */
    boolean restarts(Child child) {
        return toRestart.contains(child) && child.run == null && !child.removed && !child.held;
    }

    /** Whether {@code child} takes part in this wave: its start waits for the wave's end. */
    boolean includes(Child child) {
        return toRestart.contains(child);
    }
}
