package dev.arbor;

/**
 * A scheduled task that can still be called off. A supervisor cancels under its lock; see
 * {@link SupervisorClock} for what happens when {@code cancel} throws.
 */
public interface Cancellable {
    /** Prevents the task from running if it has not started; idempotent, never blocks. */
    void cancel();
}
