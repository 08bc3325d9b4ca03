package dev.arbor.micrometer;

import dev.arbor.ChildState;
import dev.arbor.HealthStatus;
import dev.arbor.SupervisorState;
import dev.arbor.SupervisorTotals;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

import static dev.arbor.micrometer.SupervisorMetrics.*;

/**
 * The meters of one {@link SupervisorMetrics} in one registry, by supervisor path.
 *
 * <p>Thread-safe: {@code lock} guards the map of registered paths; {@link #reconcile} may run on
 * any thread that read a meter.
 */
final class Binding {
    private final MeterRegistry registry;
    private final Tags tags;
    private final TreeView view;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, PathMeters> paths = new HashMap<>();

    Binding(MeterRegistry registry, Tags tags, TreeView view) {
        this.registry = registry;
        this.tags = tags;
        this.view = view;
        // Read on every scrape even when no tree is there yet, so that roots supplied later are found;
        // held strongly, so the registry keeps this binding alive.
        Gauge.builder(SUPERVISORS, this, b -> b.view.fresh().size())
                .description("Supervisors measured: every root and every supervisor below them")
                .baseUnit("supervisors").tags(tags).strongReference(true).register(registry);
    }

    MeterRegistry registry() {
        return registry;
    }

    /**
     * Registers the meters of supervisors and failure causes new in the latest snapshot, and removes
     * those of supervisors no longer in it. Always works from the latest snapshot, so concurrent
     * calls converge on it whatever their order.
     */
    void reconcile() {
        if (lock.isHeldByCurrentThread()) {
            return;                               // a registry that reads a meter while registering it
        }
        lock.lock();
        try {
            Map<String, PathSummary> latest = view.current();
            latest.forEach((path, summary) -> paths.computeIfAbsent(path, p -> new PathMeters(p, summary))
                    .registerCauses(summary.totals.failuresByCause().keySet()));
            for (Iterator<Map.Entry<String, PathMeters>> it = paths.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<String, PathMeters> entry = it.next();
                if (!latest.containsKey(entry.getKey())) {
                    entry.getValue().removeAll();
                    it.remove();
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * The meters of one supervisor path. The gauges hold it strongly (so the registry keeps it, and
     * through it the binder, alive); the function counters, which Micrometer holds weakly, read it too.
     */
    private final class PathMeters {
        private final String path;
        private final Tags base;
        private final List<Meter> meters = new ArrayList<>();
        private final Set<String> causes = new HashSet<>();
        private volatile PathSummary last;

        /** {@code first}: from the snapshot that found the path (a newer one may already lack it). */
        PathMeters(String path, PathSummary first) {
            this.path = path;
            this.base = tags.and(TAG_SUPERVISOR, path);
            this.last = first;
            registerFixed();
        }

        /** This path's part of a fresh snapshot; once the path is gone, what it last was. */
        PathSummary summary() {
            PathSummary now = view.fresh().get(path);
            if (now != null) {
                last = now;
                return now;
            }
            return last;
        }

        private void registerFixed() {
            counter(STARTS, "Service runs started by the supervisor: first starts and restarts", "starts",
                    SupervisorTotals::starts);
            counter(COMPLETIONS, "Children removed after a run that did not fail", "completions",
                    SupervisorTotals::completions);
            counter(STOPS, "Service runs that ended after a stop request", "stops", SupervisorTotals::stops);
            counter(STOP_TIMEOUTS, "Service runs that did not end within their shutdown timeout", "timeouts",
                    SupervisorTotals::stopTimeouts);
            counter(BACKOFFS, "Backoffs started because the decayed failure count passed the threshold",
                    "backoffs", SupervisorTotals::backoffs);
            counter(TERMINATIONS, "Runs of the supervisor itself that ended, stopped or terminated",
                    "terminations", SupervisorTotals::terminations);
            for (ChildState state : ChildState.values()) {
                gauge(CHILDREN, "Current children of the supervisor in this state", "children",
                        Tags.of(TAG_STATE, lower(state)), s -> s.children(state));
            }
            for (SupervisorState state : SupervisorState.values()) {
                gauge(STATE, "1 for the supervisor's current state, 0 for the others", null,
                        Tags.of(TAG_STATE, lower(state)), s -> s.state == state ? 1 : 0);
            }
            for (HealthStatus status : HealthStatus.values()) {
                gauge(STATUS, "1 for the supervisor's current health status, 0 for the others", null,
                        Tags.of(TAG_STATUS, lower(status)), s -> s.status == status ? 1 : 0);
            }
            gauge(DECAYED_FAILURES, "The decayed failure count that a backoff is decided on", "failures",
                    Tags.empty(), s -> s.decayedFailures);
            gauge(FAILURE_THRESHOLD, "The failure threshold that the decayed count is compared with", null,
                    Tags.empty(), s -> s.failureThreshold);
            meters.add(TimeGauge.builder(BACKOFF_REMAINING, this, TimeUnit.NANOSECONDS,
                            m -> m.summary().backoffRemainingNanos)
                    .description("How long the supervisor's current backoff still lasts; 0 when there is none")
                    .tags(base).strongReference(true).register(registry));
        }

        void registerCauses(Set<String> seen) {
            for (String cause : seen) {
                if (causes.add(cause)) {
                    meters.add(FunctionCounter.builder(FAILURES, this, m -> m.summary().failures(cause))
                            .description("Failed service runs, by what the run threw")
                            .baseUnit("failures").tags(base).tag(TAG_EXCEPTION, cause).register(registry));
                }
            }
        }

        void removeAll() {
            meters.forEach(registry::remove);
            meters.clear();
        }

        private void counter(String name, String description, String unit, ToLongFunction<SupervisorTotals> count) {
            meters.add(FunctionCounter.builder(name, this, m -> count.applyAsLong(m.summary().totals))
                    .description(description).baseUnit(unit).tags(base).register(registry));
        }

        private void gauge(String name, String description, String unit, Tags extra,
                           ToDoubleFunction<PathSummary> value) {
            meters.add(Gauge.builder(name, this, m -> value.applyAsDouble(m.summary()))
                    .description(description).baseUnit(unit).tags(base).tags(extra)
                    .strongReference(true).register(registry));
        }
    }

    private static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }
}
