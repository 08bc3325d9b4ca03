package dev.arbor.micrometer;

import dev.arbor.Supervisor;
import dev.arbor.testing.ManualClock;
import io.micrometer.core.instrument.MockClock;
import io.micrometer.core.instrument.simple.SimpleConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every meter reads one shared snapshot: a scrape of a 1,000-child tree with a dozen supervisors
 * (hundreds of meters) takes one {@code health()} of the root, not one per meter.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SnapshotPerScrapeTest {
    private final ManualClock clock = new ManualClock();
    private final MockClock meterClock = new MockClock();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry(SimpleConfig.DEFAULT, meterClock);
    private Supervisor root;

    @AfterEach
    void stop() throws InterruptedException {
        root.stop();
    }

    /** root: 10 supervisors of 99 services each, and 10 services: 1,000 children in all. */
    private void startBigTree() {
        root = Supervisor.builder("root").clock(clock).onEvent(e -> { }).build();
        for (int s = 0; s < 10; s++) {
            Supervisor sub = Supervisor.builder("sub" + s).clock(clock).build();
            for (int i = 0; i < 99; i++) {
                sub.add("svc" + i, ctx -> ctx.awaitStop());
            }
            root.add("sub" + s, sub);
            root.add("leaf" + s, ctx -> ctx.awaitStop());
        }
        root.start();
        Until.until("all started", () -> root.health().totals().starts() == 20);
    }

    @Test
    void aScrapeOfAThousandChildrenTakesOneSnapshot() {
        startBigTree();
        SupervisorMetrics metrics = SupervisorMetrics.of(root);
        metrics.bindTo(registry);
        assertThat(metrics.snapshotsTaken()).isEqualTo(1);                  // the one bindTo took
        assertThat(registry.getMeters()).hasSize(11 * 21 + 1);

        meterClock.add(Duration.ofSeconds(1));                              // the bind-time snapshot is now too old
        int values = Scrape.of(registry);
        assertThat(values).isEqualTo(11 * 21 + 1);
        assertThat(metrics.snapshotsTaken()).isEqualTo(2);

        Scrape.of(registry);                                                // a second read within the age: cached
        assertThat(metrics.snapshotsTaken()).isEqualTo(2);

        meterClock.add(Duration.ofMillis(999));
        Scrape.of(registry);
        assertThat(metrics.snapshotsTaken()).isEqualTo(2);
        meterClock.add(Duration.ofMillis(1));
        Scrape.of(registry);
        assertThat(metrics.snapshotsTaken()).isEqualTo(3);
        assertThat(registry.get(SupervisorMetrics.CHILDREN).tag("supervisor", "root/sub7").tag("state", "running")
                .gauge().value()).isEqualTo(99);
    }

    @Test
    void aZeroMaximumAgeTakesOneSnapshotPerMeterRead() {
        startBigTree();
        SupervisorMetrics metrics = SupervisorMetrics.builder(root).snapshotMaxAge(Duration.ZERO).build();
        metrics.bindTo(registry);
        int values = Scrape.of(registry);
        assertThat(metrics.snapshotsTaken()).isEqualTo(1 + values);
    }

    @Test
    void twoRegistriesShareTheSnapshot() {
        startBigTree();
        SimpleMeterRegistry other = new SimpleMeterRegistry(SimpleConfig.DEFAULT, meterClock);
        SupervisorMetrics metrics = SupervisorMetrics.of(root);
        metrics.bindTo(registry);
        metrics.bindTo(other);
        meterClock.add(Duration.ofSeconds(1));
        Scrape.of(registry);
        Scrape.of(other);
        assertThat(metrics.snapshotsTaken()).isEqualTo(3);                  // one per bind, one for both scrapes
        assertThat(other.getMeters()).hasSize(11 * 21 + 1);
    }
}
