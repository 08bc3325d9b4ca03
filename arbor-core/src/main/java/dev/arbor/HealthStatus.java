package dev.arbor;

/**
 * The overall verdict of a {@link SupervisorHealth} snapshot, for probes and dashboards. The rule,
 * applied to one supervisor and, through {@link ChildHealth#supervisor()}, to every supervisor
 * below it:
 * <ul>
 *   <li><b>DOWN</b>: the supervisor is not serving its children: {@link SupervisorState#NEW},
 *       {@link SupervisorState#STOPPING} or {@link SupervisorState#TERMINATED}.</li>
 *   <li><b>DEGRADED</b>: it serves, but not everything it should: it is in
 *       {@link SupervisorState#BACKOFF}, or a child is not {@link ChildState#RUNNING} (waiting for a
 *       restart or a backoff, or stopping), or a child supervisor is not UP, or its decayed failure
 *       count is above half its failure threshold (it is heading for a backoff).</li>
 *   <li><b>UP</b>: otherwise.</li>
 * </ul>
 * A Kubernetes liveness probe should fail on DOWN only; a readiness probe on anything but UP.
 */
public enum HealthStatus {
    /** Every child is running and failures are well below the threshold. */
    UP,
    /** Running, but some children wait, back off or stop, or failures approach the threshold. */
    DEGRADED,
    /** Not serving its children. */
    DOWN
}
