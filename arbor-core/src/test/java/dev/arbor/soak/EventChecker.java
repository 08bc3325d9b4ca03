package dev.arbor.soak;

import dev.arbor.DoNotRestartException;
import dev.arbor.Restart;
import dev.arbor.Strategy;
import dev.arbor.SupervisorEvent;
import dev.arbor.SupervisorEvent.BackoffEnded;
import dev.arbor.SupervisorEvent.BackoffStarted;
import dev.arbor.SupervisorEvent.ServiceCompleted;
import dev.arbor.SupervisorEvent.ServiceFailed;
import dev.arbor.SupervisorEvent.ServiceStarted;
import dev.arbor.SupervisorEvent.ServiceStopTimeout;
import dev.arbor.SupervisorEvent.ServiceStopped;
import dev.arbor.SupervisorEvent.SupervisorTerminated;
import dev.arbor.TerminateTreeException;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * The listener of one event channel (a supervisor with its own listener, plus the child
 * supervisors that inherit it). It checks every event online against a small model of each
 * supervisor, so a long run keeps no history:
 * <ul>
 *   <li><b>no overlap</b>: the listener is never entered while a call is in progress;</li>
 *   <li><b>order</b>: per child, ServiceStarted and exactly one end alternate; restarts count up
 *       by one (or start at 0 for a new child of the same name); BackoffStarted and BackoffEnded
 *       alternate, and BackoffStarted comes right before the ServiceFailed that caused it; a
 *       ONE_FOR_ONE ServiceFailed with restarting=true is followed by that child's ServiceStarted;
 *       a child that waits for a backoff does not start before it ends; at SupervisorTerminated
 *       no run is left without its end; a child supervisor sharing this channel is terminated
 *       before its parent reports its end;</li>
 *   <li><b>failure counts</b>: every ServiceFailed carries the count of a reference model,
 *       {@code f = f * 0.5^((t - tPrev) / decay) + 1} for a counted failure (the decayed count
 *       for one that is not counted), where {@code t} is the supervisor's own clock read for that
 *       failure ({@link RecordingClock}); reset by BackoffEnded and at termination;</li>
 *   <li>the backoff delay lies within the jitter's range; {@code restarting} is only true for a
 *       counted failure outside a backoff and below the threshold.</li>
 * </ul>
 * Then, to make the listener faulty, it sometimes throws or blocks for a while.
 */
final class EventChecker implements Consumer<SupervisorEvent> {
    private final SoakRun soak;
    private final AtomicInteger inside = new AtomicInteger();
    private final Map<String, SupModel> models = new ConcurrentHashMap<>();
    private final SplittableRandom faults;

    EventChecker(SoakRun soak, long seed) {
        this.soak = soak;
        this.faults = new SplittableRandom(seed);
    }

    @Override
    public void accept(SupervisorEvent event) {
        if (inside.getAndIncrement() != 0) {
            soak.violation("listener entered concurrently (overlapping events) at " + event);
        }
        try {
            soak.stats.event(event);
            soak.trace(event);
            SupModel model = models.computeIfAbsent(event.supervisor(), n -> new SupModel(soak.meta(n)));
            check(model, event);
            soak.listenerFault(faults);
        } finally {
            inside.decrementAndGet();
        }
    }

    private static final class ChildModel {
        boolean running;
        int lastRestarts = -1;
        boolean waitsForBackoff;
    }

    private static final class SupModel {
        final SoakRun.SupMeta meta;
        final Map<String, ChildModel> children = new HashMap<>();
        volatile boolean active;        // an event since its last termination
        volatile long delivered;        // events of the kinds SupervisorTotals counts (not BackoffEnded)
        boolean inBackoff;
        boolean backoffPending;         // BackoffStarted seen; its ServiceFailed must come next
        String startExpected;           // ONE_FOR_ONE restart: this child's start must come next
        double f;
        long tPrev;
        boolean counting;

        SupModel(SoakRun.SupMeta meta) {
            this.meta = meta;
        }

        void reset() {
            inBackoff = false;
            backoffPending = false;
            startExpected = null;
            f = 0;
            counting = false;
        }
    }

    private void check(SupModel m, SupervisorEvent event) {
        String sup = event.supervisor();
        if (m.backoffPending && !(event instanceof ServiceFailed)) {
            soak.violation(sup + ": BackoffStarted not followed by its ServiceFailed but by " + event);
            m.backoffPending = false;
        }
        if (m.startExpected != null && !(event instanceof ServiceStarted s && s.service().equals(m.startExpected))) {
            soak.violation(sup + ": ONE_FOR_ONE restart of " + m.startExpected + " announced, but next came " + event);
            m.startExpected = null;
        }
        m.active = true;
        if (!(event instanceof BackoffEnded)) {
            m.delivered++;              // written by the one listener thread of this channel at a time
        }
        switch (event) {
            case ServiceStarted e -> {
                ChildModel c = m.children.computeIfAbsent(e.service(), n -> new ChildModel());
                if (c.running) {
                    soak.violation(sup + ": " + e.service() + " started again before its previous run ended");
                }
                if (e.restarts() != 0 && e.restarts() != c.lastRestarts + 1) {
                    soak.violation(sup + ": " + e.service() + " started with restarts " + e.restarts()
                            + " after " + c.lastRestarts);
                }
                if (c.waitsForBackoff && m.inBackoff && e.restarts() != 0) {
                    soak.violation(sup + ": " + e.service() + " restarted during the backoff it waits for");
                }
                c.running = true;
                c.waitsForBackoff = false;
                c.lastRestarts = e.restarts();
                m.startExpected = null;
            }
            case ServiceFailed e -> {
                end(m, e.service(), e);
                failed(m, e);
            }
            case ServiceCompleted e -> end(m, e.service(), e);
            case ServiceStopped e -> end(m, e.service(), e);
            case ServiceStopTimeout e -> end(m, e.service(), e);
            case BackoffStarted e -> {
                if (m.inBackoff) {
                    soak.violation(sup + ": BackoffStarted during a backoff");
                }
                long d = e.delay().toNanos();
                long base = m.meta.backoffNanos;
                long max = m.meta.jitterFraction <= 0 ? base : (long) Math.ceil(base * (1 + m.meta.jitterFraction));
                if (d < base || d > max || (m.meta.jitterFraction > 0 && base > 0 && d == max)) {
                    soak.violation(sup + ": backoff delay " + e.delay() + " outside [" + base + ", " + max + ") ns");
                }
                m.inBackoff = true;
                m.backoffPending = true;
            }
            case BackoffEnded e -> {
                if (!m.inBackoff) {
                    soak.violation(sup + ": BackoffEnded without a backoff");
                }
                m.inBackoff = false;
                m.f = 0;
                m.counting = false;
                for (ChildModel c : m.children.values()) {
                    c.waitsForBackoff = false;
                }
            }
            case SupervisorTerminated e -> {
                m.children.forEach((name, c) -> {
                    if (c.running) {
                        soak.violation(sup + ": terminated while " + name + "'s run has no end event");
                    }
                    c.waitsForBackoff = false;
                });
                m.reset();
                m.active = false;
                soak.stats.terminated(e);
            }
            // The soak's buffer is the default (65,536): a drop means the model can no longer be checked.
            case SupervisorEvent.EventsDropped e -> soak.violation(sup + ": " + e.count() + " events dropped");
        }
    }

    private void end(SupModel m, String service, SupervisorEvent e) {
        ChildModel c = m.children.get(service);
        if (c == null || !c.running) {
            soak.violation(e.supervisor() + ": " + e + " without a run in progress");
            return;
        }
        c.running = false;
        SoakRun.SupMeta childSup = m.meta.subByChildName.get(service);
        if (childSup != null && !(e instanceof ServiceStopTimeout) && childSup.checker == this) {
            SupModel sm = models.get(childSup.name);
            if (sm != null && sm.active) {
                soak.violation(e.supervisor() + ": reported the end of child supervisor " + service
                        + " before that supervisor's SupervisorTerminated: " + e);
            }
        }
    }

    private void failed(SupModel m, ServiceFailed e) {
        String sup = e.supervisor();
        ChildModel c = m.children.get(e.service());
        Restart restart = m.meta.restartOf(e.service());
        Throwable decisive = decisive(e.cause());
        boolean fatal = e.cause() instanceof VirtualMachineError && !(e.cause() instanceof StackOverflowError);
        if (decisive instanceof DoNotRestartException) {
            soak.violation(sup + ": DoNotRestartException reported as a failure: " + e);
        }
        if (e.cause() == null && restart != Restart.PERMANENT) {
            soak.violation(sup + ": a " + restart + " child's normal return reported as a failure: " + e);
        }
        boolean counted = !fatal && !(decisive instanceof TerminateTreeException) && restart != Restart.TEMPORARY;
        if (e.threshold() != m.meta.threshold) {
            soak.violation(sup + ": threshold " + e.threshold() + " != " + m.meta.threshold);
        }
        // The reference model: find the clock read this failure was computed at.
        boolean matched = false;
        long t = 0;
        double expected = 0;
        int skipped = 0;
        Long read;
        while ((read = m.meta.clock.peek()) != null) {
            t = read;
            expected = counted ? ((!m.counting || m.meta.decayNanos == 0) ? 1.0 : decayed(m, t) + 1.0) : decayed(m, t);
            boolean zeroDecayTie = !counted && m.counting && m.meta.decayNanos == 0 && t == m.tPrev
                    && close(e.failures(), m.f);     // 0^0: the undecayed count is also right
            m.meta.clock.consume();
            if (close(e.failures(), expected) || zeroDecayTie) {
                matched = true;
                break;
            }
            skipped++;
        }
        if (!matched) {
            soak.violation(sup + ": " + e.service() + " failed with count " + e.failures() + " but the model says "
                    + expected + " (counted " + counted + ", f " + m.f + ", tPrev " + m.tPrev + ", last read " + t
                    + ", reads tried " + skipped + ")");
        }
        soak.stats.modelChecked(matched);
        if (counted) {
            m.f = e.failures();      // resynchronize on a mismatch, so one error is reported once
            m.tPrev = t;
            m.counting = true;
        }
        if (m.backoffPending) {
            m.backoffPending = false;
            if (!counted || !(e.failures() > e.threshold()) || e.restarting()) {
                soak.violation(sup + ": BackoffStarted followed by a failure that cannot start one: " + e);
            }
        }
        if (e.restarting() && (!counted || m.inBackoff || e.failures() > e.threshold())) {
            soak.violation(sup + ": restarting=true for a failure that cannot restart now: " + e
                    + " (counted " + counted + ", inBackoff " + m.inBackoff + ")");
        }
        if (counted && !e.restarting() && m.inBackoff && c != null) {
            c.waitsForBackoff = true;
        }
        if (e.restarting() && m.meta.strategy == Strategy.ONE_FOR_ONE) {
            m.startExpected = e.service();
        }
    }

    private static double decayed(SupModel m, long t) {
        if (!m.counting) {
            return 0;
        }
        long elapsed = t - m.tPrev;
        if (elapsed <= 0) {
            return m.f;
        }
        if (m.meta.decayNanos == 0) {
            return 0;
        }
        return m.f * Math.pow(0.5, (double) elapsed / m.meta.decayNanos);
    }

    private static boolean close(double a, double b) {
        return Math.abs(a - b) <= 1e-9 * Math.max(1.0, Math.abs(b));
    }

    /** The first DoNotRestartException or TerminateTreeException down the cause chain, if any. */
    static Throwable decisive(Throwable thrown) {
        int depth = 0;
        for (Throwable t = thrown; t != null && depth < 100; t = t.getCause(), depth++) {
            if (t instanceof DoNotRestartException || t instanceof TerminateTreeException) {
                return t;
            }
        }
        return null;
    }

    /** How many events of the kinds that {@code SupervisorTotals} counts this listener has received from {@code supervisor}. */
    long delivered(String supervisor) {
        SupModel m = models.get(supervisor);
        return m == null ? 0 : m.delivered;
    }

    /** True when every supervisor this listener serves ended its last run with SupervisorTerminated. */
    boolean quiet() {
        for (SupModel m : models.values()) {
            if (m.active) {
                return false;
            }
        }
        return inside.get() == 0;
    }

    /** Blocks the listener (a faulty listener) without holding anything the supervisor needs. */
    static void block(long nanos) {
        long deadline = System.nanoTime() + nanos;
        long left;
        while ((left = deadline - System.nanoTime()) > 0) {
            LockSupport.parkNanos(left);
        }
    }
}
