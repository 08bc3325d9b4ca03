/**
 * Arbor observer: a live view of a supervisor tree in the browser, like Erlang's observer.
 *
 * <p>{@link dev.arbor.observer.Observer} serves one page over the JDK's HTTP server: the tree, each
 * child's state, restarts and last failure, and a restart-rate sparkline per supervisor, pushed to
 * the page with server-sent events. Read-only. Needs nothing beyond {@code dev.arbor} and the JDK's
 * {@code jdk.httpserver}.
 */
module dev.arbor.observer {
    requires transitive dev.arbor;
    requires jdk.httpserver;

    exports dev.arbor.observer;
}
