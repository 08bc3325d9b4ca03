package dev.arbor;

import java.time.Duration;

/**
 * Something that happened in a supervisor. A closed set of records, so a listener can
 * {@code switch} over them exhaustively.
 *
 * <p><b>Delivery</b>: the events of one supervisor reach its listener one at a time, in the order
 * they happened, on a delivery thread of Arbor's, a little after the fact. An event is emitted
 * only after what it reports has taken effect ({@link Supervisor#state()} and
 * {@link Supervisor#children()} already show it). A listener that throws or blocks never breaks
 * supervision: what it throws is logged and dropped, and while it blocks, later events queue up.
 * A child supervisor without a listener of its own delivers through its parent's, on the same
 * delivery thread, so a tree's listener is never called from two threads at once. A listener
 * instance given to the builders of two separate supervisors (two roots, or a child with
 * {@code onEvent} of its own) is called by each one's delivery thread, possibly at the same time:
 * it must then be thread-safe.
 *
 * <p><b>Runs</b>: every {@link ServiceStarted} is followed by exactly one end of that run:
 * {@link ServiceFailed}, {@link ServiceCompleted}, {@link ServiceStopped} or, for a run that
 * ignored its stop request, {@link ServiceStopTimeout}.
 *
 * <p><b>Context</b>: when, where in the tree and to which child an event happened, and what the
 * supervisor does next after a failure, come with the event to an {@link EventListener} as an
 * {@link EventContext}; the records themselves stay as they were.
 *
 * <p><b>Bounded</b>: a listener slower than the events it is sent loses the excess, counted in an
 * {@link EventsDropped}, instead of letting the queue grow without limit.
 *
 * <p><b>Compatibility</b>: new event types may be added in minor releases (never in patch releases),
 * each listed in the release notes (as {@link EventsDropped} was); none is removed or renamed outside a major release. An
 * exhaustive {@code switch} without a {@code default} branch then stops compiling (or, compiled
 * against an older version, throws {@code MatchException}), so a listener that logs or forwards
 * events should end its {@code switch} with a {@code default} branch that handles any event. Record
 * components may be appended in minor releases: prefer type patterns and accessors to record patterns
 * that deconstruct every component. The full policy is in docs/COMPATIBILITY.md.
 */
public sealed interface SupervisorEvent {
    /**
     * The supervisor that emits the event.
     *
     * @return its {@link Supervisor#name()}
     */
    String supervisor();

    /**
     * A run began: the child is RUNNING and its thread is being started (a listener may see this
     * before the service's first line has run).
     *
     * @param supervisor the name of the supervisor that emits it
     * @param service    the name of the child
     * @param restarts how many times the child was restarted before this run
     */
    record ServiceStarted(String supervisor, String service, int restarts) implements SupervisorEvent {}

    /**
     * A run failed: it threw, or a {@link Restart#PERMANENT} run returned.
     *
     * @param supervisor the name of the supervisor that emits it
     * @param service    the name of the child
     * @param cause      what it threw; {@code null} when it returned normally
     * @param failures   the supervisor's decayed failure count after this failure (not incremented
     *                   when the failure is not counted: a TEMPORARY child, a
     *                   {@link TerminateTreeException}, a fatal JVM error)
     * @param threshold  the supervisor's failure threshold
     * @param restarting true when the child is restarted without waiting for a backoff (under
     *                   ONE_FOR_ALL and REST_FOR_ONE, as soon as its stopped siblings have ended);
     *                   false when it waits for a backoff, is removed, or the supervisor terminates
     *                   or stops
     */
    record ServiceFailed(String supervisor, String service, Throwable cause,
                         double failures, double threshold, boolean restarting) implements SupervisorEvent {}

    /**
     * A child was removed after a run that did not fail: a normal return that is not restarted,
     * or {@link DoNotRestartException}.
     *
     * @param supervisor the name of the supervisor that emits it
     * @param service    the name of the child
     */
    record ServiceCompleted(String supervisor, String service) implements SupervisorEvent {}

    /**
     * A run ended after a stop was requested.
     *
     * @param supervisor the name of the supervisor that emits it
     * @param service    the name of the child
     */
    record ServiceStopped(String supervisor, String service) implements SupervisorEvent {}

    /**
     * A run did not end within its shutdown timeout after a stop request; it is abandoned and
     * reported in the {@link StopReport}.
     *
     * @param supervisor the name of the supervisor that emits it
     * @param service    the name of the child
     */
    record ServiceStopTimeout(String supervisor, String service) implements SupervisorEvent {}

    /**
     * Too many failures: failed children wait {@code delay} before they restart.
     *
     * @param supervisor the name of the supervisor that emits it
     * @param delay      the backoff, jitter included
     */
    record BackoffStarted(String supervisor, Duration delay) implements SupervisorEvent {}

    /**
     * The backoff is over; the failure count is reset to zero and waiting children restart.
     *
     * @param supervisor the name of the supervisor that emits it
     */
    record BackoffEnded(String supervisor) implements SupervisorEvent {}

    /**
     * The supervisor ended a run of its own.
     *
     * @param supervisor the name of the supervisor that emits it
     * @param cause why it terminated; {@code null} when it was stopped
     */
    record SupervisorTerminated(String supervisor, Throwable cause) implements SupervisorEvent {}

    /**
     * The listener fell behind by more than the event buffer holds (see
     * {@link Supervisor.Builder#eventBuffer(int)}), and {@code count} events were dropped instead of
     * queued without limit. Delivered once the listener has caught up, after the events that were
     * kept. What is delivered keeps every other guarantee: the order, and no end of a run (or a
     * {@link BackoffEnded}) without its start; a run's events are dropped together, start and end.
     * {@link SupervisorTerminated} is never dropped.
     *
     * @param supervisor the supervisor whose listener missed them (the topmost of a tree that shares
     *                   one listener)
     * @param count      how many events were dropped since the last {@code EventsDropped}; at least 1
     */
    record EventsDropped(String supervisor, long count) implements SupervisorEvent {}
}
