package dev.arbor;

/** Where one child is in its life, as shown by {@link Supervisor#children()}. */
public enum ChildState {
    /** Not running: its supervisor has not started yet, it waits for siblings to stop, or it was stopped with {@link Supervisor#stopChild}. */
    WAITING,
    /** A run is in progress. */
    RUNNING,
    /** It failed and waits for the supervisor's backoff, or its own ({@link ChildSpec#withBackoff}), to end before it restarts. */
    BACKOFF,
    /** A stop was requested and its run has not ended yet. */
    STOPPING
}
