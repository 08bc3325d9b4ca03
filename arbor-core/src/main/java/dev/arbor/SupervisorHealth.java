package dev.arbor;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A snapshot of a supervisor and, recursively, of every child supervisor added to it, taken by
 * {@link Supervisor#health()}. Immutable; later changes do not show in it. Each supervisor's part
 * is consistent in itself (taken under its lock); parts of different supervisors are taken one
 * after the other, parent first, so a fast-changing tree may show a child a moment later than its
 * parent.
 *
 * @param name             the supervisor's name
 * @param state            where it is in its life
 * @param status           the verdict, by the rule in {@link HealthStatus}
 * @param failures         the decayed failure count now
 * @param failureThreshold the builder's failure threshold
 * @param backoffRemaining how long the current backoff still lasts on the supervisor's clock;
 *                         empty when not in {@link SupervisorState#BACKOFF}
 * @param terminationCause why its last run terminated, if not by a stop ({@link Supervisor#terminationCause()})
 * @param totals           what it has done since it was built
 * @param children         its current children, in add order
 */
public record SupervisorHealth(String name, SupervisorState state, HealthStatus status, double failures,
                               double failureThreshold, Optional<Duration> backoffRemaining,
                               Optional<Throwable> terminationCause, SupervisorTotals totals,
                               List<ChildHealth> children) {
    /** Copies the list; rejects nulls. */
    public SupervisorHealth {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(backoffRemaining, "backoffRemaining");
        Objects.requireNonNull(terminationCause, "terminationCause");
        Objects.requireNonNull(totals, "totals");
        children = List.copyOf(Objects.requireNonNull(children, "children"));
    }

    /**
     * Visits this supervisor and every supervisor below it, depth first in add order, each with its
     * path of names from this one (this one's path is {@code [name]}).
     *
     * @param visitor called once per supervisor
     * @throws NullPointerException if visitor is null
     */
    public void forEachSupervisor(PathVisitor visitor) {
        Objects.requireNonNull(visitor, "visitor must not be null");
        visit(List.of(name), visitor);
    }

    private void visit(List<String> path, PathVisitor visitor) {
        visitor.visit(path, this);
        for (ChildHealth child : children) {
            child.supervisor().ifPresent(sub -> sub.visit(append(path, sub.name()), visitor));
        }
    }

    private static List<String> append(List<String> path, String name) {
        List<String> longer = new java.util.ArrayList<>(path);
        longer.add(name);
        return List.copyOf(longer);
    }

    /** Receives each supervisor of a snapshot with its path; see {@link #forEachSupervisor}. */
    @FunctionalInterface
    public interface PathVisitor {
        /**
         * Called once per supervisor.
         *
         * @param path       names from the snapshot's root to this supervisor, root first
         * @param supervisor that supervisor's part of the snapshot
         */
        void visit(List<String> path, SupervisorHealth supervisor);
    }

    /**
     * Every child of this supervisor, and of every supervisor below it, depth first in add order:
     * a child supervisor's own children come right after it, before its next sibling.
     *
     * @param action called once per child with the path of the supervisor that owns it
     * @throws NullPointerException if action is null
     */
    public void forEachChild(java.util.function.BiConsumer<List<String>, ChildHealth> action) {
        Objects.requireNonNull(action, "action must not be null");
        walkChildren(List.of(name), action);
    }

    private void walkChildren(List<String> path, java.util.function.BiConsumer<List<String>, ChildHealth> action) {
        for (ChildHealth child : children) {
            action.accept(path, child);
            child.supervisor().ifPresent(sub -> sub.walkChildren(append(path, sub.name()), action));
        }
    }
}
