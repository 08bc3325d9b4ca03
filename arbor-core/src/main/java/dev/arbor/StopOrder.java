package dev.arbor;

/** The order in which a supervisor stops its children. */
public enum StopOrder {
    /** One at a time, newest first, each waited for up to its shutdown timeout. The default. */
    REVERSE,
    /** All at once; each is still bounded by its own shutdown timeout. */
    PARALLEL
}
