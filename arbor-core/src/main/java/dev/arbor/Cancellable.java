package dev.arbor;

/** A scheduled task that can still be called off. */
public interface Cancellable {
    /** Prevents the task from running if it has not started; idempotent, never blocks. */
    void cancel();
}
