package dev.arbor.spring;

import dev.arbor.ChildHealth;
import dev.arbor.HealthStatus;
import dev.arbor.Supervisor;
import dev.arbor.SupervisorHealth;
import dev.arbor.SupervisorTotals;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A Spring Boot {@link HealthIndicator} for one supervisor tree, from its {@link Supervisor#health()}
 * snapshot (one snapshot per call).
 *
 * <p><b>Status</b>: {@link HealthStatus#UP} is {@link Status#UP}, {@link HealthStatus#DOWN} is
 * {@link Status#DOWN}, and {@link HealthStatus#DEGRADED} is the custom status {@link #DEGRADED}.
 * Spring's default status aggregation ignores statuses that are not in its order, and maps them to
 * HTTP 200: so by default a degraded tree (a backoff, a child waiting to restart, failures past half
 * the threshold) shows as {@code DEGRADED} in its own entry but neither fails the application's
 * overall health nor a probe. To make it count, add it to the order, for example
 * {@code management.endpoint.health.status.order=down,out-of-service,degraded,up,unknown}, and give it an
 * HTTP status ({@code management.endpoint.health.status.http-mapping.degraded=503}) in a readiness
 * group only: a liveness probe should fail on DOWN alone.
 *
 * <p><b>Details</b>: the tree. For each supervisor its state, failure count and threshold, the
 * remaining backoff, why it terminated, its totals, and its children by name, each with its state,
 * restart type, restarts, last failure and, for a child supervisor, the same details nested.
 * Details are large for supervisors with many children; Spring shows them only where
 * {@code management.endpoint.health.show-details} allows.
 *
 * <p>Thread-safe.
 */
public final class SupervisorHealthIndicator implements HealthIndicator {
    /** The status of a degraded tree: serving, but not everything it should. */
    public static final Status DEGRADED = new Status("DEGRADED",
            "Some children wait, back off or stop, or failures approach the threshold");

    private final Supervisor supervisor;

    /**
     * An indicator for the tree under {@code supervisor}.
     *
     * @param supervisor the tree's root (or any supervisor: its subtree)
     * @throws NullPointerException if supervisor is null
     */
    public SupervisorHealthIndicator(Supervisor supervisor) {
        this.supervisor = Objects.requireNonNull(supervisor, "supervisor must not be null");
    }

    /**
     * The tree's health now.
     *
     * @return its status and details
     */
    @Override
    public Health health() {
        SupervisorHealth snapshot = supervisor.health();
        return Health.status(statusOf(snapshot.status())).withDetails(details(snapshot)).build();
    }

    /**
     * The Spring status for an Arbor health status.
     *
     * @param status an Arbor status
     * @return UP, DOWN or {@link #DEGRADED}
     * @throws NullPointerException if status is null
     */
    public static Status statusOf(HealthStatus status) {
        return switch (Objects.requireNonNull(status, "status must not be null")) {
            case UP -> Status.UP;
            case DEGRADED -> DEGRADED;
            case DOWN -> Status.DOWN;
        };
    }

    private static Map<String, Object> details(SupervisorHealth s) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("supervisor", s.name());
        d.put("state", s.state().name());
        d.put("status", s.status().name());
        d.put("failures", s.failures());
        d.put("failureThreshold", s.failureThreshold());
        s.backoffRemaining().ifPresent(r -> d.put("backoffRemaining", r.toString()));
        s.terminationCause().ifPresent(t -> d.put("terminationCause", describe(t)));
        d.put("totals", totals(s.totals()));
        Map<String, Object> children = new LinkedHashMap<>();
        for (ChildHealth c : s.children()) {
            children.put(c.name(), child(c));
        }
        d.put("children", children);
        return d;
    }

    private static Map<String, Object> child(ChildHealth c) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("state", c.state().name());
        d.put("restart", c.restart().name());
        d.put("restarts", c.restarts());
        c.lastFailure().ifPresent(t -> d.put("lastFailure", describe(t)));
        c.supervisor().ifPresent(sub -> d.put("supervisor", details(sub)));
        return d;
    }

    private static Map<String, Object> totals(SupervisorTotals t) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("starts", t.starts());
        d.put("failures", t.failures());
        d.put("failuresByCause", t.failuresByCause());
        d.put("completions", t.completions());
        d.put("stops", t.stops());
        d.put("stopTimeouts", t.stopTimeouts());
        d.put("backoffs", t.backoffs());
        d.put("terminations", t.terminations());
        return d;
    }

    private static String describe(Throwable t) {
        return t.getMessage() == null ? t.getClass().getName() : t.getClass().getName() + ": " + t.getMessage();
    }
}
