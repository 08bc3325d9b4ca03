package dev.arbor.junit5;

import dev.arbor.SupervisorEvent;
import dev.arbor.SupervisorEvent.ServiceCompleted;
import dev.arbor.SupervisorEvent.ServiceFailed;
import dev.arbor.SupervisorEvent.ServiceStarted;
import dev.arbor.SupervisorEvent.ServiceStopTimeout;
import dev.arbor.SupervisorEvent.ServiceStopped;
import org.opentest4j.AssertionFailedError;

import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/**
 * Every event of a test's supervisor tree (the supervisor and the child supervisors that have no
 * listener of their own), in the order they were delivered, for a test to await deterministically.
 *
 * <p><b>Awaiting</b>: {@link #await(Class, String)} returns the earliest matching event that no
 * earlier {@code await} has returned, waiting for it if it has not been delivered yet. Each event is
 * returned at most once, so awaiting {@code ServiceFailed} for {@code "worker"} twice returns its
 * first and its second failure, whatever else happened in between and in whichever order the test
 * awaits different events. The wait is bounded in real time ({@link ArborExtension#awaitTimeout});
 * it is an upper bound, never a condition of the test: events arrive a little after what they
 * report, on Arbor's delivery thread.
 *
 * <p><b>Names</b>: an event matches a name by the service it is about ({@code ServiceStarted},
 * {@code ServiceFailed}, {@code ServiceCompleted}, {@code ServiceStopped}, {@code ServiceStopTimeout});
 * every other event ({@code BackoffStarted}, {@code BackoffEnded}, {@code SupervisorTerminated}, and
 * event types added in later versions) by the supervisor that emits it.
 *
 * <p><b>Thread-safety</b>: all methods may be called from any thread; an {@code await} and the
 * recording of events never block each other for longer than a list update.
 */
public final class EventRecorder {
    private static final int EVENTS_IN_MESSAGE = 30;
    private static final Predicate<Object> ALWAYS = event -> true;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition recorded = lock.newCondition();
    private final List<SupervisorEvent> events = new ArrayList<>();
    private final BitSet returned = new BitSet();
    private final Duration timeout;

    EventRecorder(Duration timeout) {
        this.timeout = timeout;
    }

    /** The supervisor's listener: appends and wakes the waiting awaits. */
    void record(SupervisorEvent event) {
        lock.lock();
        try {
            events.add(event);
            recorded.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * A snapshot of every event recorded so far, in delivery order (those already returned by an
     * {@code await} included).
     *
     * @return an immutable list
     */
    public List<SupervisorEvent> all() {
        lock.lock();
        try {
            return List.copyOf(events);
        } finally {
            lock.unlock();
        }
    }

    /**
     * A snapshot of the recorded events of one type, in delivery order.
     *
     * @param type the event type, e.g. {@code ServiceFailed.class}
     * @param <E>  the event type
     * @return an immutable list
     * @throws NullPointerException if type is null
     */
    public <E extends SupervisorEvent> List<E> all(Class<E> type) {
        Objects.requireNonNull(type, "type must not be null");
        return all().stream().filter(type::isInstance).map(type::cast).toList();
    }

    /**
     * Returns the earliest event of {@code type} about {@code name} that no earlier {@code await}
     * returned, waiting for it up to the await timeout in real time.
     *
     * @param type the event type, e.g. {@code ServiceFailed.class}
     * @param name the service's name, or the supervisor's for supervisor-level events
     * @param <E>  the event type
     * @return the event
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException if name is blank
     * @throws AssertionFailedError     if no such event arrives within the timeout, or the waiting
     *                                  thread is interrupted (its interrupt flag is then set again);
     *                                  the message lists the events recorded so far
     */
    public <E extends SupervisorEvent> E await(Class<E> type, String name) {
        return await(type, name, ALWAYS);
    }

    /**
     * Like {@link #await(Class, String)}, for the earliest such event that also satisfies
     * {@code condition}; non-matching events stay available to later awaits.
     *
     * @param type      the event type
     * @param name      the service's name, or the supervisor's for supervisor-level events
     * @param condition what else the event must satisfy, e.g. {@code s -> s.restarts() == 2}; it
     *                  runs while the recorder's lock is held, so it must be quick and not await
     * @param <E>       the event type
     * @return the event
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException if name is blank
     * @throws AssertionFailedError     if no such event arrives within the timeout, or the waiting
     *                                  thread is interrupted (its interrupt flag is then set again)
     */
    public <E extends SupervisorEvent> E await(Class<E> type, String name, Predicate<? super E> condition) {
        Objects.requireNonNull(type, "type must not be null");
        Objects.requireNonNull(name, "name must not be null");
        Objects.requireNonNull(condition, "condition must not be null");
        if (name.isBlank()) {
            throw new IllegalArgumentException("name must not be blank, was \"" + name + "\"");
        }
        long remaining = timeout.toNanos();
        lock.lock();
        try {
            int searchedUpTo = 0;
            while (true) {
                for (int i = returned.nextClearBit(0); i < events.size(); i = returned.nextClearBit(i + 1)) {
                    E match = matching(events.get(i), type, name, condition);
                    if (match != null) {
                        returned.set(i);
                        return match;
                    }
                }
                searchedUpTo = events.size();
                if (remaining <= 0) {
                    throw new AssertionFailedError("no " + type.getSimpleName() + " event for \"" + name
                            + "\"" + (condition == ALWAYS ? "" : " satisfying the condition") + " within "
                            + timeout + " (real time); " + describe(searchedUpTo));
                }
                remaining = recorded.awaitNanos(remaining);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionFailedError("interrupted while awaiting a " + type.getSimpleName()
                    + " event for \"" + name + "\"", e);
        } finally {
            lock.unlock();
        }
    }

    private static <E extends SupervisorEvent> E matching(SupervisorEvent event, Class<E> type, String name,
                                                          Predicate<? super E> condition) {
        if (!type.isInstance(event) || !subject(event).equals(name)) {
            return null;
        }
        E typed = type.cast(event);
        return condition.test(typed) ? typed : null;
    }

    /**
     * The name an event is about. The {@code default} branch keeps this compiling, and matching by
     * supervisor, when a later version adds an event type (see docs/COMPATIBILITY.md).
     */
    static String subject(SupervisorEvent event) {
        return switch (event) {
            case ServiceStarted e -> e.service();
            case ServiceFailed e -> e.service();
            case ServiceCompleted e -> e.service();
            case ServiceStopped e -> e.service();
            case ServiceStopTimeout e -> e.service();
            default -> event.supervisor();
        };
    }

    /** The recorded events for a failure message, the latest ones if there are many. Lock held. */
    String describe(int count) {
        if (count == 0) {
            return "no events were recorded";
        }
        int from = Math.max(0, count - EVENTS_IN_MESSAGE);
        StringBuilder text = new StringBuilder(count + " events recorded");
        text.append(from > 0 ? ", the last " + (count - from) + ":" : ":");
        for (int i = from; i < count; i++) {
            text.append("\n  ").append(events.get(i));
        }
        return text.toString();
    }

    /** How many events have been recorded. */
    int size() {
        lock.lock();
        try {
            return events.size();
        } finally {
            lock.unlock();
        }
    }

    /** A one-line-per-event account for the extension's failure messages. */
    String describeAll() {
        lock.lock();
        try {
            return describe(events.size());
        } finally {
            lock.unlock();
        }
    }
}
