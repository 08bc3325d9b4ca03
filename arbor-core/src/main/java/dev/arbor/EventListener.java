package dev.arbor;

import java.util.Objects;
import java.util.function.Consumer;

/**
 * Receives a supervisor's events with their {@link EventContext}; set with
 * {@link Supervisor.Builder#listener(EventListener)}. {@link Supervisor.Builder#onEvent} takes a
 * plain {@code Consumer} of events instead, for listeners that need no context.
 *
 * <p><b>Calls</b>: one event at a time per delivery thread, in the order they happened, as
 * {@link SupervisorEvent} describes. A listener that throws is logged and skipped; one that throws
 * a fatal JVM error (a {@link VirtualMachineError} other than {@link StackOverflowError})
 * terminates the supervisor that owns it, as a run that throws one does. A slow listener loses the
 * events beyond the buffer ({@link SupervisorEvent.EventsDropped}).
 *
 * <p><b>Composing</b>: {@code EventListener.logging().andThen(metrics)} keeps the default logging
 * beside a listener of your own.
 * {@snippet :
 * Supervisor root = Supervisor.builder("app")
 *         .listener(EventListener.logging().andThen((event, context) ->
 *                 audit.record(context.time(), context.pathString(), event)))
 *         .build();
 * }
 */
@FunctionalInterface
public interface EventListener {
    /**
     * Called with each event.
     *
     * @param event   what happened
     * @param context when, where and to which child; and for a failure, what comes next
     */
    void onEvent(SupervisorEvent event, EventContext context);

    /**
     * This listener, then {@code next}, for each event. {@code next} is called even when this one
     * throws; what this one threw is then rethrown after {@code next} returns (so it is logged as a
     * listener fault). A fatal JVM error from either is rethrown at once.
     *
     * @param next the listener to call second
     * @return a listener calling both, in order
     * @throws NullPointerException if next is null
     */
    default EventListener andThen(EventListener next) {
        Objects.requireNonNull(next, "next listener must not be null");
        EventListener first = this;
        return (event, context) -> {
            RuntimeException firstFailure = null;
            try {
                first.onEvent(event, context);
            } catch (RuntimeException e) {
                firstFailure = e;
            }
            next.onEvent(event, context);
            if (firstFailure != null) {
                throw firstFailure;
            }
        };
    }

    /**
     * A listener for a consumer that needs no context.
     *
     * @param consumer called with each event
     * @return a listener that passes each event to the consumer
     * @throws NullPointerException if consumer is null
     */
    static EventListener of(Consumer<? super SupervisorEvent> consumer) {
        return new dev.arbor.internal.ConsumerListener(Objects.requireNonNull(consumer, "consumer must not be null"));
    }

    /**
     * The default listener of a root supervisor: one line per event through
     * {@code System.getLogger("dev.arbor")}, prefixed with the supervisor's path. Levels follow
     * OTP's logger and suture's default hook:
     * <ul>
     *   <li><b>WARNING</b>: a failure (with what comes next: restarting, backing off, removed,
     *       stopping), a stop timeout, a backoff's start, dropped events;</li>
     *   <li><b>ERROR</b>: a failure that terminates the supervisor, and a termination with a cause;</li>
     *   <li><b>INFO</b>: a backoff's end, a root's clean stop;</li>
     *   <li><b>DEBUG</b>: starts, restarts, stops, completions, a nested supervisor's clean stop.</li>
     * </ul>
     * A failure's stack trace is logged the first time that failure is seen (the same exception
     * class thrown from the same place by the same child of the same supervisor); repeats log
     * one line, with the trace at DEBUG. The listener remembers the last 256 distinct failures.
     * Thread-safe.
     *
     * @return a new logging listener
     */
    static EventListener logging() {
        return new dev.arbor.internal.LoggingListener(System.getLogger("dev.arbor"));
    }

    /**
     * {@link #logging()}, through another logger.
     *
     * @param logger where to log
     * @return a new logging listener
     * @throws NullPointerException if logger is null
     */
    static EventListener logging(System.Logger logger) {
        return new dev.arbor.internal.LoggingListener(Objects.requireNonNull(logger, "logger must not be null"));
    }
}
