package dev.arbor.observer;

import dev.arbor.ChildHealth;
import dev.arbor.ChildState;
import dev.arbor.HealthStatus;
import dev.arbor.Restart;
import dev.arbor.SupervisorHealth;
import dev.arbor.SupervisorState;
import dev.arbor.SupervisorTotals;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link StartsHistory}: the sparkline deltas, from snapshots built by hand (no threads, no time):
 * one delta per snapshot after the first, the newest {@code size} kept, never negative, and a
 * supervisor that leaves the tree takes its history with it.
 */
class StartsHistoryTest {
    static SupervisorHealth supervisor(String name, long starts, ChildHealth... children) {
        SupervisorTotals totals = new SupervisorTotals(starts, 0, Map.of(), 0, 0, 0, 0, 0);
        return new SupervisorHealth(name, SupervisorState.RUNNING, HealthStatus.UP, 0, 5, Optional.empty(),
                Optional.empty(), totals, List.of(children));
    }

    static ChildHealth sub(String childName, SupervisorHealth supervisor) {
        return new ChildHealth(childName, ChildState.RUNNING, Restart.PERMANENT, 0, Optional.empty(),
                Optional.of(supervisor));
    }

    @Test
    void eachSnapshotAfterTheFirstAddsTheStartsSinceThePreviousOne() {
        StartsHistory history = new StartsHistory(10);
        history.record(supervisor("root", 3));
        assertThat(history.deltas(List.of("root"))).isEmpty();
        history.record(supervisor("root", 3));
        history.record(supervisor("root", 7));
        history.record(supervisor("root", 8));
        assertThat(history.deltas(List.of("root"))).containsExactly(0, 4, 1);
    }

    @Test
    void onlyTheNewestSizeDeltasAreKeptOldestFirst() {
        StartsHistory history = new StartsHistory(3);
        long starts = 0;
        history.record(supervisor("root", starts));
        for (int delta = 1; delta <= 5; delta++) {
            starts += delta;
            history.record(supervisor("root", starts));
        }
        assertThat(history.deltas(List.of("root"))).containsExactly(3, 4, 5);
    }

    @Test
    void nestedSupervisorsAreKeptByTheNamesTheyWereAddedUnder() {
        StartsHistory history = new StartsHistory(5);
        // Two child supervisors with the same own name, added under different names.
        history.record(supervisor("root", 2, sub("a", supervisor("pool", 1)), sub("b", supervisor("pool", 10))));
        history.record(supervisor("root", 2, sub("a", supervisor("pool", 2)), sub("b", supervisor("pool", 13))));
        assertThat(history.deltas(List.of("root", "a"))).containsExactly(1);
        assertThat(history.deltas(List.of("root", "b"))).containsExactly(3);
        assertThat(history.supervisors()).isEqualTo(3);
    }

    @Test
    void aCountThatGoesDownCountsZeroAndAVanishedSupervisorIsForgotten() {
        StartsHistory history = new StartsHistory(5);
        history.record(supervisor("root", 0, sub("a", supervisor("a", 9))));
        history.record(supervisor("root", 0, sub("a", supervisor("a", 2))));   // another "a", counting afresh
        history.record(supervisor("root", 0, sub("a", supervisor("a", 3))));
        assertThat(history.deltas(List.of("root", "a"))).containsExactly(0, 1);

        history.record(supervisor("root", 0));
        assertThat(history.supervisors()).isEqualTo(1);
        assertThat(history.deltas(List.of("root", "a"))).isEmpty();
    }

    @Test
    void aSizeBelowOneIsRejected() {
        assertThatThrownBy(() -> new StartsHistory(0)).hasMessage("size must be >= 1, was 0");
    }
}
