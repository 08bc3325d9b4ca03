package dev.arbor.micrometer;

import dev.arbor.Supervisor;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Micrometer meters for a supervisor tree, read from its {@link Supervisor#health()} snapshot: no
 * event listener is installed, so it works for any supervisor, also one that already has a listener.
 *
 * <p>{@snippet :
 * Supervisor root = Supervisor.builder("orders").build();
 * root.add("consumer", consumer);
 * SupervisorMetrics.of(root).bindTo(registry);   // meters for "orders" and every supervisor below it
 * root.start();
 * }
 *
 * <p><b>Meters</b>, one set per supervisor in the tree, each tagged {@value #TAG_SUPERVISOR} with the
 * supervisor's path of names joined by {@code /} (for example {@code orders/workers}):
 * <ul>
 *   <li>function counters, monotonic since the supervisor was built ({@link dev.arbor.SupervisorTotals}):
 *       {@value #STARTS}, {@value #FAILURES} (one per cause, tagged {@value #TAG_EXCEPTION} with the
 *       thrown class's fully qualified name, or {@code returned} for a permanent service that returned),
 *       {@value #COMPLETIONS}, {@value #STOPS}, {@value #STOP_TIMEOUTS}, {@value #BACKOFFS} and
 *       {@value #TERMINATIONS};</li>
 *   <li>gauges: {@value #CHILDREN} (tagged {@value #TAG_STATE}: {@code waiting}, {@code running},
 *       {@code backoff}, {@code stopping}), {@value #STATE} and {@value #STATUS} (1 for the current
 *       state or health status, 0 for the others, as resilience4j does for circuit breaker states),
 *       {@value #DECAYED_FAILURES}, {@value #FAILURE_THRESHOLD} and the time gauge
 *       {@value #BACKOFF_REMAINING} (0 when not backing off).</li>
 * </ul>
 *
 * <p>Besides, one gauge {@value #SUPERVISORS} per binder, with only the {@link Builder#tags(Iterable)}:
 * how many supervisors are measured. It is read on every scrape, also while there is no tree yet, so
 * that roots supplied later ({@link #builderForRoots}) are found. Bind one binder per registry (use
 * {@link #builderForRoots} for several trees): two binders with the same tags share that gauge.
 *
 * <p><b>One snapshot per scrape</b>. Every meter reads the same cached snapshot of the whole tree;
 * a meter read finds it older than {@link Builder#snapshotMaxAge(Duration)} (one second by default)
 * takes a new one. A registry that reads all meters within that time (a Prometheus scrape, a step
 * registry's publish) costs one {@code health()} call per read, however many meters and children
 * the tree has; a value is at most that old.
 *
 * <p><b>Trees that change shape</b>. Meters are registered at {@link #bindTo} for the supervisors
 * present then. Each new snapshot (taken by a read of any of this binder's meters, or by
 * {@link #refresh()}) is compared with what is registered: a supervisor added since (or a failure
 * cause seen for the first time) gets its meters, visible from the registry's next read on; the
 * meters of a supervisor no longer in the tree are removed from the registry. Removed and added
 * again under the same path, its counters start from the new supervisor's totals. A registry that
 * reads every meter (a Prometheus scrape, a step registry's publish) so finds new supervisors by
 * itself; one that reads a meter only on request (Spring Boot's metrics endpoint) finds them once
 * any of the binder's meters is read, or after {@link #refresh()}.
 *
 * <p><b>Threads</b>. Thread-safe: meters may be read from any thread, by several registries at once.
 * Meters are registered and removed outside the snapshot lock. The registry keeps the meters (and
 * this binder) reachable; nothing else needs to hold on to it.
 */
public final class SupervisorMetrics implements MeterBinder {
    /** Gauge, one per binder and registry (not per supervisor): how many supervisors are measured. */
    public static final String SUPERVISORS = "arbor.supervisors";
    /** Function counter: service runs started (first starts and restarts). */
    public static final String STARTS = "arbor.supervisor.starts";
    /** Function counter: failed runs, by cause ({@value #TAG_EXCEPTION}). */
    public static final String FAILURES = "arbor.supervisor.failures";
    /** Function counter: children removed after a run that did not fail. */
    public static final String COMPLETIONS = "arbor.supervisor.completions";
    /** Function counter: runs that ended after a stop request. */
    public static final String STOPS = "arbor.supervisor.stops";
    /** Function counter: runs that did not end within their shutdown timeout. */
    public static final String STOP_TIMEOUTS = "arbor.supervisor.stop.timeouts";
    /** Function counter: backoffs started because failures passed the threshold. */
    public static final String BACKOFFS = "arbor.supervisor.backoffs";
    /** Function counter: runs of the supervisor itself that ended (stopped or terminated). */
    public static final String TERMINATIONS = "arbor.supervisor.terminations";
    /** Gauge: current children in one state ({@value #TAG_STATE}). */
    public static final String CHILDREN = "arbor.supervisor.children";
    /** Gauge: 1 for the supervisor's current state ({@value #TAG_STATE}), 0 for the others. */
    public static final String STATE = "arbor.supervisor.state";
    /** Gauge: 1 for the supervisor's current health status ({@value #TAG_STATUS}), 0 for the others. */
    public static final String STATUS = "arbor.supervisor.status";
    /** Gauge: the decayed failure count that a backoff is decided on. */
    public static final String DECAYED_FAILURES = "arbor.supervisor.decayed.failures";
    /** Gauge: the failure threshold that the decayed count is compared with. */
    public static final String FAILURE_THRESHOLD = "arbor.supervisor.failure.threshold";
    /** Time gauge: how long the current backoff still lasts; 0 when there is none. */
    public static final String BACKOFF_REMAINING = "arbor.supervisor.backoff.remaining";
    /** Tag key: the supervisor's path of names from its root, joined by {@code /}. */
    public static final String TAG_SUPERVISOR = "supervisor";
    /** Tag key of {@value #FAILURES}: the thrown class's name, or {@code returned}. */
    public static final String TAG_EXCEPTION = "exception";
    /** Tag key of {@value #CHILDREN} and {@value #STATE}: a state's name in lower case. */
    public static final String TAG_STATE = "state";
    /** Tag key of {@value #STATUS}: a health status's name in lower case. */
    public static final String TAG_STATUS = "status";

    private final TreeView view;
    private final Tags tags;

    private SupervisorMetrics(Builder b) {
        this.view = new TreeView(b.roots, b.maxAge, b.clock);
        this.tags = b.tags;
    }

    /**
     * Meters for the tree under {@code root}, with the defaults.
     *
     * @param root the supervisor whose tree is measured; its name is the first element of every path
     * @return a binder; call {@link #bindTo} to register its meters
     * @throws NullPointerException if root is null
     */
    public static SupervisorMetrics of(Supervisor root) {
        return builder(root).build();
    }

    /**
     * A builder for the tree under {@code root}.
     *
     * @param root the supervisor whose tree is measured
     * @return a new builder
     * @throws NullPointerException if root is null
     */
    public static Builder builder(Supervisor root) {
        Objects.requireNonNull(root, "root must not be null");
        List<Supervisor> one = List.of(root);
        return new Builder(() -> one);
    }

    /**
     * A builder for several trees whose roots are only known later or change, for containers
     * that discover them (the supplier is called once per snapshot, on the thread that reads a
     * meter). Roots must have distinct names: of two roots with the same name, the first in the
     * supplied order is measured.
     *
     * @param roots supplies the current roots; must not return null
     * @return a new builder
     * @throws NullPointerException if roots is null
     */
    public static Builder builderForRoots(Supplier<? extends Collection<Supervisor>> roots) {
        Objects.requireNonNull(roots, "roots must not be null");
        return new Builder(roots);
    }

    /**
     * Registers the meters of every supervisor in the tree now, and keeps them in step with the
     * tree on later reads. May be called for several registries; each gets its own meters.
     *
     * @param registry where to register the meters
     * @throws NullPointerException if registry is null
     */
    @Override
    public void bindTo(MeterRegistry registry) {
        Objects.requireNonNull(registry, "registry must not be null");
        view.bind(registry, tags);
    }

    /**
     * Takes a new snapshot now and brings the meters in every bound registry in step with it: for
     * callers that know the tree changed shape (or, with {@link #builderForRoots}, that roots became
     * known) and want the meters registered before the next read of one of them. Does nothing before
     * the first {@link #bindTo}.
     */
    public void refresh() {
        view.refresh();
    }

    /**
     * How many snapshots this binder has taken: one at each {@link #bindTo} and {@link #refresh()},
     * and at most one per {@link Builder#snapshotMaxAge(Duration)} while its meters are read.
     *
     * @return the count so far
     */
    public long snapshotsTaken() {
        return view.snapshotsTaken();
    }

    @Override
    public String toString() {
        return "SupervisorMetrics" + view.paths();
    }

    /**
     * Configures a {@link SupervisorMetrics}. Not thread-safe; each {@link #build()} returns a new,
     * independent binder.
     */
    public static final class Builder {
        private final Supplier<? extends Collection<Supervisor>> roots;
        private Tags tags = Tags.empty();
        private Duration maxAge = Duration.ofSeconds(1);
        private Clock clock;

        private Builder(Supplier<? extends Collection<Supervisor>> roots) {
            this.roots = roots;
        }

        /**
         * Tags added to every meter, for example the application's name.
         *
         * @param extra the tags; keys must not be one of this binder's own tag keys
         * @return this builder
         * @throws NullPointerException     if extra is null
         * @throws IllegalArgumentException if a key is one of this binder's own tag keys
         */
        public Builder tags(Iterable<Tag> extra) {
            Objects.requireNonNull(extra, "tags must not be null");
            for (Tag tag : extra) {
                String key = tag.getKey();
                if (List.of(TAG_SUPERVISOR, TAG_EXCEPTION, TAG_STATE, TAG_STATUS).contains(key)) {
                    throw new IllegalArgumentException("tag key \"" + key + "\" is set by SupervisorMetrics itself");
                }
            }
            this.tags = this.tags.and(extra);
            return this;
        }

        /**
         * How old the shared snapshot may be before a meter read takes a new one; one second by
         * default. {@link Duration#ZERO} takes one per meter read (only for tests and tiny trees).
         *
         * @param maxAge zero or positive
         * @return this builder
         * @throws NullPointerException     if maxAge is null
         * @throws IllegalArgumentException if maxAge is negative
         */
        public Builder snapshotMaxAge(Duration maxAge) {
            Objects.requireNonNull(maxAge, "snapshotMaxAge must not be null");
            if (maxAge.isNegative()) {
                throw new IllegalArgumentException("snapshotMaxAge must be >= 0, was " + maxAge);
            }
            this.maxAge = maxAge;
            return this;
        }

        /**
         * The clock that ages the snapshot; by default the clock of the first registry bound.
         *
         * @param clock a Micrometer clock, for example a {@code MockClock} in tests
         * @return this builder
         * @throws NullPointerException if clock is null
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock must not be null");
            return this;
        }

        /**
         * A new binder with this configuration.
         *
         * @return a binder that has registered nothing yet
         */
        public SupervisorMetrics build() {
            return new SupervisorMetrics(this);
        }
    }
}
