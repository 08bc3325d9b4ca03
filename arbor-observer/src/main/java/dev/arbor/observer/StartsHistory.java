package dev.arbor.observer;

import dev.arbor.ChildHealth;
import dev.arbor.SupervisorHealth;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The data behind the sparklines: for each supervisor of the tree, by its path (the root's name,
 * then the names its ancestors added it under, as in {@link SnapshotJson}), how many
 * services it started between successive snapshots ({@code totals().starts()} deltas; after the
 * first start of each child these are its restarts), the newest {@code size} of them.
 *
 * <p>Memory is bounded by the tree: a supervisor that has left the tree takes its history with it.
 * A delta is never negative: if a path's count goes down (another supervisor added under the same
 * name), that sample counts as 0 and the new count is the base of the next one. Not thread-safe:
 * owned by the sampler's thread.
 */
final class StartsHistory {
    private final int size;
    private final Map<List<String>, Ring> rings = new HashMap<>();

    StartsHistory(int size) {
        if (size < 1) {
            throw new IllegalArgumentException("size must be >= 1, was " + size);
        }
        this.size = size;
    }

    /** Records one snapshot: a delta for every supervisor seen before, a base for a new one. */
    void record(SupervisorHealth root) {
        Set<List<String>> seen = new HashSet<>();
        record(List.of(root.name()), root, seen);
        rings.keySet().retainAll(seen);
    }

    private void record(List<String> path, SupervisorHealth supervisor, Set<List<String>> seen) {
        seen.add(path);
        long starts = supervisor.totals().starts();
        Ring ring = rings.get(path);
        if (ring == null) {
            rings.put(path, new Ring(size, starts));
        } else {
            ring.add(starts);
        }
        for (ChildHealth child : supervisor.children()) {
            child.supervisor().ifPresent(sub -> record(SnapshotJson.childPath(path, child.name()), sub, seen));
        }
    }

    /** The deltas recorded for that path, oldest first; empty for a path not (yet) seen twice. */
    long[] deltas(List<String> path) {
        Ring ring = rings.get(path);
        return ring == null ? new long[0] : ring.toArray();
    }

    /** How many supervisors it keeps a history for (for tests: the bound on memory). */
    int supervisors() {
        return rings.size();
    }

    /** A fixed-size ring of deltas, and the count the next delta is taken from. */
    private static final class Ring {
        private final long[] deltas;
        private int next;
        private int count;
        private long last;

        Ring(int size, long base) {
            this.deltas = new long[size];
            this.last = base;
        }

        void add(long starts) {
            deltas[next] = Math.max(0, starts - last);
            last = starts;
            next = (next + 1) % deltas.length;
            count = Math.min(count + 1, deltas.length);
        }

        long[] toArray() {
            long[] result = new long[count];
            int oldest = (next - count + deltas.length) % deltas.length;
            for (int i = 0; i < count; i++) {
                result[i] = deltas[(oldest + i) % deltas.length];
            }
            return result;
        }
    }
}
