package dev.arbor.micrometer;

import dev.arbor.Supervisor;
import dev.arbor.SupervisorHealth;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

import java.time.Duration;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The cached snapshot shared by every meter of one {@link SupervisorMetrics}: the tree's
 * supervisors by path, retaken when a meter read finds it older than the maximum age, after which
 * every registry's {@link Binding} is brought in step with it.
 *
 * <p>Thread-safe: {@code lock} guards taking a snapshot (so concurrent reads take one, not many);
 * the latest snapshot is published through a volatile field and read without the lock.
 */
final class TreeView {
    private static final System.Logger LOG = System.getLogger(SupervisorMetrics.class.getName());

    private final Supplier<? extends Collection<Supervisor>> roots;
    private final long maxAgeNanos;
    private final ReentrantLock lock = new ReentrantLock();
    private final List<Binding> bindings = new CopyOnWriteArrayList<>();
    private volatile Clock clock;                 // lock: set once, by the builder or the first bind
    private volatile Map<String, PathSummary> current = Map.of();
    private volatile long takenAt;
    private volatile boolean taken;
    private volatile long snapshots;              // lock: written

    TreeView(Supplier<? extends Collection<Supervisor>> roots, Duration maxAge, Clock clock) {
        this.roots = roots;
        this.maxAgeNanos = maxAge.toNanos();
        this.clock = clock;
    }

    /** Registers the current tree's meters in {@code registry} and keeps them in step from now on. */
    void bind(MeterRegistry registry, Tags tags) {
        Binding binding;
        lock.lock();
        try {
            if (clock == null) {
                clock = registry.config().clock();
            }
            for (Binding b : bindings) {
                if (b.registry() == registry) {
                    return;                       // bound twice to one registry: its meters are already there
                }
            }
            binding = new Binding(registry, tags, this);
            bindings.add(binding);
            retake(clock.monotonicTime());
        } finally {
            lock.unlock();
        }
        binding.reconcile();
    }

    /** The snapshot by path, retaken first if it is too old; called by every meter read. */
    Map<String, PathSummary> fresh() {
        if (isFresh(clock.monotonicTime())) {
            return current;
        }
        return retakeAndReconcile(false);
    }

    /** Takes a new snapshot whatever its age, and brings every registry's meters in step with it. */
    void refresh() {
        retakeAndReconcile(true);
    }

    private Map<String, PathSummary> retakeAndReconcile(boolean always) {
        lock.lock();
        try {
            if (clock == null) {
                return current;                   // never bound: nothing to bring in step
            }
            long now = clock.monotonicTime();
            if (always || !isFresh(now)) {        // not already retaken by a reader that held the lock
                retake(now);
            }
        } finally {
            lock.unlock();
        }
        for (Binding binding : bindings) {        // outside the lock: registering meters takes the registry's
            binding.reconcile();
        }
        return current;
    }

    /** The latest snapshot, without retaking it. */
    Map<String, PathSummary> current() {
        return current;
    }

    long snapshotsTaken() {
        return snapshots;
    }

    Set<String> paths() {
        return current.keySet();
    }

    private boolean isFresh(long now) {
        return taken && now - takenAt < maxAgeNanos;
    }

    private void retake(long now) {
        try {
            current = snapshot();
        } catch (RuntimeException e) {            // keep serving the last snapshot rather than break a scrape
            LOG.log(System.Logger.Level.WARNING, "supervisor health snapshot failed; meters keep the last values", e);
        }
        takenAt = now;
        taken = true;
    }

    private Map<String, PathSummary> snapshot() {
        Map<String, PathSummary> byPath = new LinkedHashMap<>();
        Set<String> rootNames = new HashSet<>();
        for (Supervisor root : roots.get()) {
            if (!rootNames.add(root.name())) {
                continue;                         // two roots with one name would share meter ids: the first wins
            }
            SupervisorHealth health = root.health();
            snapshots++;
            health.forEachSupervisor((path, s) -> byPath.put(String.join("/", path), new PathSummary(s)));
        }
        return Collections.unmodifiableMap(byPath);
    }
}
