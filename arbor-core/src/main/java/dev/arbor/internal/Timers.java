package dev.arbor.internal;

import dev.arbor.Cancellable;
import dev.arbor.SupervisorClock;

import java.time.Duration;
import java.util.ArrayList;

/**
 * A supervisor's timers on a clock that is user code, guarded so that no misbehaviour of the
 * clock's {@code schedule} or of a handle's {@code cancel} gets into the engine (the decisions are
 * in docs/RELIABILITY.md, section 6):
 * <ul>
 *   <li>a {@code schedule} that returns null gets a handle that cancels nothing: every engine task
 *       is safe to run late (a stale backoff or deadline timer finds nothing to do);</li>
 *   <li>a task that the clock runs <em>inside</em> {@code schedule} (the contract says never
 *       inline), whether this supervisor's or another's, is not run there, under the caller's
 *       lock: it goes into the caller's {@link Outbox} and runs once the lock is released. Run
 *       there it would re-enter a section half done (a backoff ended before it began) or take a
 *       parent's lock under a child's, the reverse of the lock order;</li>
 *   <li>a {@code cancel} that throws is logged: the task it failed to call off is harmless.
 *       Only a fatal error is handed back, for the supervisor to terminate with.</li>
 * </ul>
 * What {@code schedule} throws is the caller's to decide: it has no timer.
 *
 * <p><b>Computes, never applies</b>: it never calls back into a supervisor. The system clock is
 * trusted (it never runs a task inline and never returns null) and is called directly.
 */
final class Timers {
    private static final System.Logger LOG = System.getLogger("dev.arbor");
    /** The handle of a timer that cannot be called off (the clock returned none, or none was made). */
    static final Cancellable NOT_CANCELLABLE = () -> { };
    /** The tasks a clock ran inline on this thread during the schedule call in progress, if any. */
    private static final ThreadLocal<ArrayList<Runnable>> RAN_INLINE = new ThreadLocal<>();

    private Timers() {
    }

    /**
     * Schedules {@code task} on {@code clock}; a task the clock runs inline (this one or any other
     * supervisor's) is added to {@code out} instead. Never returns null.
     *
     * @throws Throwable whatever the clock's {@code schedule} threw (sneakily: it is user code)
     */
    static Cancellable schedule(SupervisorClock clock, Duration delay, Runnable task, Outbox out) {
        if (clock == SystemClock.INSTANCE) {
            return clock.schedule(delay, task);
        }
        ArrayList<Runnable> outer = RAN_INLINE.get();
        ArrayList<Runnable> inline = outer != null ? outer : new ArrayList<>(0);
        RAN_INLINE.set(inline);
        try {
            Cancellable handle = clock.schedule(delay, deferredIfInline(task));
            if (handle == null) {
                LOG.log(System.Logger.Level.WARNING, "clock " + clock.getClass().getName()
                        + " returned no handle from schedule(); the timer cannot be cancelled");
                return NOT_CANCELLABLE;
            }
            return handle;
        } finally {
            if (outer == null) {
                RAN_INLINE.remove();
                inline.forEach(out::add);
            }
        }
    }

    /** The task as handed to a user clock: run inside a schedule call on its thread, it waits for the outbox. */
    private static Runnable deferredIfInline(Runnable task) {
        return () -> {
            ArrayList<Runnable> inline = RAN_INLINE.get();
            if (inline != null) {
                inline.add(task);
            } else {
                task.run();
            }
        };
    }

    /**
     * Calls a timer off. What a handle's {@code cancel} throws is logged and dropped, except a fatal
     * JVM error, which is returned for the supervisor to terminate with.
     *
     * @return the fatal error {@code cancel} threw, or null
     */
    static Throwable cancel(Cancellable timer) {
        try {
            timer.cancel();
            return null;
        } catch (Throwable t) {
            if (Outcome.isFatal(t)) {
                return t;
            }
            LOG.log(System.Logger.Level.WARNING, "a clock's Cancellable.cancel() threw; the timer fires and finds nothing to do", t);
            return null;
        }
    }
}
