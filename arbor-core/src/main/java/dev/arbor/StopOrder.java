package dev.arbor;

/**
 * The order in which a supervisor stops its children, for {@code stop()}, for its termination and
 * for the siblings a ONE_FOR_ALL or REST_FOR_ONE restart stops.
 *
 * <p><b>Which to choose.</b> REVERSE is OTP's order and the safe default when later children
 * depend on earlier ones (a consumer added after the connection pool it uses stops before the
 * pool). Its cost is the sum of the children's stop times: 2,000 children that each need 1 ms to
 * clean up take 2 s or more. PARALLEL costs the longest single stop time instead (12 ms for the same
 * 2,000) and suits children that do not depend on one another: connection handlers, identical
 * workers, one child per partition. A tree can mix them: give the independent children a child
 * supervisor of their own with PARALLEL. To bound a whole stop whatever the order, see
 * {@code Supervisor.Builder.shutdownDeadline}.
 */
public enum StopOrder {
    /** One at a time, newest first, each waited for up to its shutdown timeout. The default. */
    REVERSE,
    /** All at once; each is still bounded by its own shutdown timeout. */
    PARALLEL
}
