package dev.arbor.micrometer;

import dev.arbor.ChildHealth;
import dev.arbor.ChildState;
import dev.arbor.HealthStatus;
import dev.arbor.SupervisorHealth;
import dev.arbor.SupervisorState;
import dev.arbor.SupervisorTotals;

import java.time.Duration;

/** What the meters of one supervisor read, computed once per snapshot: immutable. */
final class PathSummary {
    final SupervisorState state;
    final HealthStatus status;
    final double decayedFailures;
    final double failureThreshold;
    final long backoffRemainingNanos;
    final SupervisorTotals totals;
    private final int[] childrenByState = new int[ChildState.values().length];

    PathSummary(SupervisorHealth health) {
        this.state = health.state();
        this.status = health.status();
        this.decayedFailures = health.failures();
        this.failureThreshold = health.failureThreshold();
        this.backoffRemainingNanos = health.backoffRemaining().map(Duration::toNanos).orElse(0L);
        this.totals = health.totals();
        for (ChildHealth child : health.children()) {
            childrenByState[child.state().ordinal()]++;
        }
    }

    int children(ChildState state) {
        return childrenByState[state.ordinal()];
    }

    long failures(String cause) {
        return totals.failuresByCause().getOrDefault(cause, 0L);
    }
}
