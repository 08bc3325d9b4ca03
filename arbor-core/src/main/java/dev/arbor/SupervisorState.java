package dev.arbor;

/**
 * Where a supervisor is in its life. The usual path is {@code NEW → RUNNING ⇄ BACKOFF →
 * STOPPING → TERMINATED}. A child supervisor that its parent restarts goes from
 * {@code TERMINATED} back to {@code RUNNING}; a root never does.
 */
public enum SupervisorState {
    /** Built, not started; children added now start when it starts. */
    NEW,
    /** Running its children. */
    RUNNING,
    /** Running, but too many recent failures: failed children wait for the backoff to end. */
    BACKOFF,
    /** Stopping its children; {@code add} is refused. */
    STOPPING,
    /** Every child has ended or was abandoned after its shutdown timeout. */
    TERMINATED
}
