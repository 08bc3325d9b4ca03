package dev.arbor.micrometer;

import dev.arbor.Jitter;
import dev.arbor.Supervisor;
import dev.arbor.testing.ManualClock;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MockClock;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.simple.SimpleConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static io.micrometer.core.tck.MeterRegistryAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The meters of a tree: one set per supervisor, tagged by its path, following the health snapshot
 * (counters from its totals, gauges from its states and failure accounting).
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SupervisorMetricsTest {
    private static final Duration BACKOFF = Duration.ofSeconds(10);
    private final ManualClock clock = new ManualClock();
    private final MockClock meterClock = new MockClock();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry(SimpleConfig.DEFAULT, meterClock);
    private final Puppet leaf = new Puppet();
    private final Puppet worker = new Puppet();
    private Supervisor root;
    private Supervisor workers;

    @AfterEach
    void stop() throws InterruptedException {
        root.stop();
    }

    /** root: [leaf, workers: [worker]]; workers backs off on its second failure at one instant. */
    private void startTree() {
        workers = Supervisor.builder("workers").clock(clock).failureThreshold(1)
                .failureBackoff(BACKOFF).backoffJitter(Jitter.none()).onEvent(e -> { }).build();
        workers.add("worker", worker);
        root = Supervisor.builder("root").clock(clock).onEvent(e -> { }).build();
        root.add("leaf", leaf);
        root.add("workers", workers);
        root.start();
        Until.until("worker started", () -> worker.runs() == 1);
    }

    /** Lets the shared snapshot expire, then reads every meter, as the next scrape would. */
    private void nextScrape() {
        meterClock.add(Duration.ofSeconds(2));
        Scrape.of(registry);
    }

    private double counter(String name, String supervisor) {
        return registry.get(name).tag(SupervisorMetrics.TAG_SUPERVISOR, supervisor).functionCounter().count();
    }

    private double gauge(String name, String supervisor, String key, String value) {
        return registry.get(name).tag(SupervisorMetrics.TAG_SUPERVISOR, supervisor).tag(key, value).gauge().value();
    }

    @Test
    void everySupervisorInTheTreeGetsItsMetersTaggedByItsPath() {
        startTree();
        SupervisorMetrics.of(root).bindTo(registry);

        assertThat(registry)
                .hasMeterWithNameAndTags(SupervisorMetrics.STARTS, io.micrometer.core.instrument.Tags.of("supervisor", "root"))
                .hasMeterWithNameAndTags(SupervisorMetrics.STARTS, io.micrometer.core.instrument.Tags.of("supervisor", "root/workers"));
        assertThat(registry.find(SupervisorMetrics.STARTS).meters())
                .extracting(m -> m.getId().getTag("supervisor")).containsExactlyInAnyOrder("root", "root/workers");
        assertThat(counter(SupervisorMetrics.STARTS, "root")).isEqualTo(2);          // leaf, workers
        assertThat(counter(SupervisorMetrics.STARTS, "root/workers")).isEqualTo(1);  // worker
        assertThat(gauge(SupervisorMetrics.CHILDREN, "root", "state", "running")).isEqualTo(2);
        assertThat(gauge(SupervisorMetrics.STATE, "root", "state", "running")).isEqualTo(1);
        assertThat(gauge(SupervisorMetrics.STATE, "root", "state", "backoff")).isZero();
        assertThat(gauge(SupervisorMetrics.STATUS, "root", "status", "up")).isEqualTo(1);

        Meter.Id starts = registry.get(SupervisorMetrics.STARTS).tag("supervisor", "root").meter().getId();
        assertThat(starts.getType()).isEqualTo(Meter.Type.COUNTER);
        assertThat(starts.getDescription()).isNotBlank();
        assertThat(starts.getBaseUnit()).isEqualTo("starts");
        // per supervisor 6 counters, 4 + 5 + 3 state gauges, decayed failures, threshold, backoff remaining;
        // and arbor.supervisors
        assertThat(registry.getMeters()).hasSize(2 * 21 + 1);
    }

    @Test
    void failuresAreCountedByExceptionClassAndAppearFromTheNextScrapeOn() {
        startTree();
        SupervisorMetrics.of(root).bindTo(registry);
        assertThat(registry.find(SupervisorMetrics.FAILURES).meters()).isEmpty();

        leaf.fail(new IllegalArgumentException("bad payload"));
        Until.until("leaf restarted", () -> leaf.runs() == 2);
        leaf.fail(new IllegalArgumentException("bad payload"));
        Until.until("leaf restarted", () -> leaf.runs() == 3);
        leaf.fail(new java.io.UncheckedIOException(new java.io.IOException("disk")));
        Until.until("leaf restarted", () -> leaf.runs() == 4);
        nextScrape();   // takes the snapshot that shows the new causes, and registers their counters

        assertThat(registry.get(SupervisorMetrics.FAILURES).tag("supervisor", "root")
                .tag("exception", IllegalArgumentException.class.getName()).functionCounter().count()).isEqualTo(2);
        assertThat(registry.get(SupervisorMetrics.FAILURES).tag("supervisor", "root")
                .tag("exception", java.io.UncheckedIOException.class.getName()).functionCounter().count()).isEqualTo(1);
        assertThat(registry.find(SupervisorMetrics.FAILURES).tag("supervisor", "root/workers").meters()).isEmpty();
        assertThat(counter(SupervisorMetrics.STARTS, "root")).isEqualTo(5);
    }

    @Test
    void aChildSupervisorInBackoffShowsItsStateDecayedFailuresAndRemainingTime() {
        startTree();
        SupervisorMetrics.of(root).bindTo(registry);
        worker.fail(new IllegalStateException("one"));
        Until.until("worker restarted", () -> worker.runs() == 2);
        worker.fail(new IllegalStateException("two"));          // 2 > threshold 1 at one instant: backoff
        Until.until("workers backing off", () -> workers.health().backoffRemaining().isPresent());
        clock.advance(Duration.ofSeconds(4));
        nextScrape();

        assertThat(gauge(SupervisorMetrics.STATE, "root/workers", "state", "backoff")).isEqualTo(1);
        assertThat(gauge(SupervisorMetrics.STATE, "root/workers", "state", "running")).isZero();
        assertThat(gauge(SupervisorMetrics.STATUS, "root/workers", "status", "degraded")).isEqualTo(1);
        assertThat(gauge(SupervisorMetrics.STATUS, "root", "status", "degraded")).isEqualTo(1);
        assertThat(gauge(SupervisorMetrics.CHILDREN, "root/workers", "state", "backoff")).isEqualTo(1);
        assertThat(gauge(SupervisorMetrics.CHILDREN, "root", "state", "backoff")).isEqualTo(1);    // workers itself
        assertThat(registry.get(SupervisorMetrics.DECAYED_FAILURES).tag("supervisor", "root/workers").gauge().value())
                .isCloseTo(2 * Math.pow(0.5, 4.0 / 30), within(1e-9));     // 2, decayed for 4 s of a 30 s half-life
        assertThat(registry.get(SupervisorMetrics.FAILURE_THRESHOLD).tag("supervisor", "root/workers").gauge().value())
                .isEqualTo(1.0);
        TimeGauge remaining = registry.get(SupervisorMetrics.BACKOFF_REMAINING).tag("supervisor", "root/workers").timeGauge();
        assertThat(remaining.value(TimeUnit.SECONDS)).isEqualTo(6.0);
        assertThat(counter(SupervisorMetrics.BACKOFFS, "root/workers")).isEqualTo(1);
        assertThat(registry.get(SupervisorMetrics.BACKOFF_REMAINING).tag("supervisor", "root").timeGauge()
                .value(TimeUnit.SECONDS)).isZero();

        clock.advance(Duration.ofSeconds(6));
        Until.until("worker restarted after the backoff", () -> worker.runs() == 3);
        nextScrape();
        assertThat(gauge(SupervisorMetrics.STATE, "root/workers", "state", "running")).isEqualTo(1);
        assertThat(registry.get(SupervisorMetrics.DECAYED_FAILURES).tag("supervisor", "root/workers").gauge().value())
                .isZero();
        assertThat(registry.get(SupervisorMetrics.FAILURES).tag("supervisor", "root/workers")
                .tag("exception", IllegalStateException.class.getName()).functionCounter().count()).isEqualTo(2);
    }

    @Test
    void stopsAndTheTerminationAreCountedAfterTheTreeStops() throws InterruptedException {
        startTree();
        SupervisorMetrics.of(root).bindTo(registry);
        root.stop();
        nextScrape();
        assertThat(counter(SupervisorMetrics.STOPS, "root")).isEqualTo(2);
        assertThat(counter(SupervisorMetrics.STOPS, "root/workers")).isEqualTo(1);
        assertThat(counter(SupervisorMetrics.TERMINATIONS, "root")).isEqualTo(1);
        assertThat(gauge(SupervisorMetrics.STATE, "root", "state", "terminated")).isEqualTo(1);
        assertThat(gauge(SupervisorMetrics.STATUS, "root", "status", "down")).isEqualTo(1);
        assertThat(counter(SupervisorMetrics.STOP_TIMEOUTS, "root")).isZero();
        assertThat(counter(SupervisorMetrics.COMPLETIONS, "root")).isZero();
    }

    @Test
    void extraTagsGoOnEveryMeter() {
        startTree();
        SupervisorMetrics.builder(root).tags(io.micrometer.core.instrument.Tags.of("application", "orders"))
                .build().bindTo(registry);
        assertThat(registry.getMeters()).allSatisfy(m -> assertThat(m.getId().getTag("application")).isEqualTo("orders"));
    }

    @Test
    void bindingTwiceToOneRegistryRegistersOneSetOfMeters() {
        startTree();
        SupervisorMetrics metrics = SupervisorMetrics.of(root);
        metrics.bindTo(registry);
        metrics.bindTo(registry);
        assertThat(registry.getMeters()).hasSize(2 * 21 + 1);
        assertThat(metrics.snapshotsTaken()).isEqualTo(1);
    }

    @Test
    void gaugesAndCountersAreTheKindsTheirNamesPromise() {
        startTree();
        SupervisorMetrics.of(root).bindTo(registry);
        assertThat(registry.get(SupervisorMetrics.STOP_TIMEOUTS).meter()).isInstanceOf(FunctionCounter.class);
        assertThat(registry.get(SupervisorMetrics.CHILDREN).meter()).isInstanceOf(Gauge.class);
        assertThat(registry.get(SupervisorMetrics.BACKOFF_REMAINING).meter()).isInstanceOf(TimeGauge.class);
    }
}
