package dev.arbor.micrometer;

import dev.arbor.ServiceRef;
import dev.arbor.Supervisor;
import dev.arbor.testing.ManualClock;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MockClock;
import io.micrometer.core.instrument.simple.SimpleConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Trees change shape after the binder was bound: supervisors added later get meters from the next
 * snapshot on, removed ones lose theirs; roots supplied later are found the same way.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TreeShapeTest {
    private final ManualClock clock = new ManualClock();
    private final MockClock meterClock = new MockClock();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry(SimpleConfig.DEFAULT, meterClock);
    private final List<Supervisor> toStop = new ArrayList<>();

    @AfterEach
    void stop() throws InterruptedException {
        for (Supervisor s : toStop) {
            s.stop();
        }
    }

    private Supervisor started(String name) {
        Supervisor s = Supervisor.builder(name).clock(clock).onEvent(e -> { }).build();
        s.add("leaf", ctx -> ctx.awaitStop());
        s.start();
        toStop.add(s);
        return s;
    }

    private Supervisor sub(String name) {
        Supervisor s = Supervisor.builder(name).clock(clock).build();
        s.add("worker", ctx -> ctx.awaitStop());
        return s;
    }

    private void nextScrape() {
        meterClock.add(Duration.ofSeconds(1));
        Scrape.of(registry);
    }

    private List<String> supervisorTags() {
        return registry.find(SupervisorMetrics.STARTS).meters().stream()
                .map(m -> m.getId().getTag(SupervisorMetrics.TAG_SUPERVISOR)).sorted().toList();
    }

    @Test
    void aSupervisorAddedAfterBindingGetsItsMetersAtTheNextSnapshot() {
        Supervisor root = started("root");
        SupervisorMetrics.of(root).bindTo(registry);
        assertThat(supervisorTags()).containsExactly("root");

        Supervisor late = sub("late");
        late.add("deeper", sub("deeper"));
        root.add("late", late);
        Until.until("deeper worker started", () -> root.health().children().get(1).supervisor().orElseThrow()
                .totals().starts() == 2);
        assertThat(supervisorTags()).containsExactly("root");               // no snapshot taken since
        nextScrape();
        assertThat(supervisorTags()).containsExactly("root", "root/late", "root/late/deeper");
        assertThat(registry.get(SupervisorMetrics.STARTS).tag("supervisor", "root/late").functionCounter().count())
                .isEqualTo(2);
        assertThat(registry.getMeters()).hasSize(3 * 21 + 1);
    }

    @Test
    void refreshRegistersANewSupervisorsMetersAtOnce() {
        Supervisor root = started("root");
        SupervisorMetrics metrics = SupervisorMetrics.of(root);
        metrics.refresh();                                                  // not bound yet: nothing to do
        assertThat(metrics.snapshotsTaken()).isZero();
        metrics.bindTo(registry);
        root.add("late", sub("late"));
        metrics.refresh();                                                  // no read, no clock advance needed
        assertThat(supervisorTags()).containsExactly("root", "root/late");
        assertThat(metrics.snapshotsTaken()).isEqualTo(2);
    }

    @Test
    void aRemovedSupervisorsMetersLeaveTheRegistryAndKeepTheirLastValue() throws InterruptedException {
        Supervisor root = started("root");
        ServiceRef ref = root.add("gone", sub("gone"));
        Until.until("gone's worker started", () -> root.health().children().get(1).supervisor().orElseThrow()
                .totals().starts() == 1);
        SupervisorMetrics.of(root).bindTo(registry);
        FunctionCounter starts = registry.get(SupervisorMetrics.STARTS).tag("supervisor", "root/gone").functionCounter();
        assertThat(supervisorTags()).containsExactly("root", "root/gone");

        assertThat(root.removeAndWait(ref, Duration.ofSeconds(10))).isTrue();
        nextScrape();
        assertThat(supervisorTags()).containsExactly("root");
        assertThat(registry.getMeters()).hasSize(21 + 1);
        assertThat(starts.count()).isEqualTo(1);                            // a reader holding it sees the last value
    }

    @Test
    void rootsSuppliedLaterAreFoundAndADuplicateRootNameIsMeasuredOnce() {
        List<Supervisor> roots = new CopyOnWriteArrayList<>();
        SupervisorMetrics.builderForRoots(() -> roots).build().bindTo(registry);
        assertThat(registry.getMeters()).hasSize(1);                           // arbor.supervisors, 0

        Supervisor first = started("orders");
        roots.add(first);
        nextScrape();   // finds "orders"
        assertThat(supervisorTags()).containsExactly("orders");

        Supervisor second = started("orders");
        second.add("extra", ctx -> ctx.awaitStop());
        roots.add(second);
        roots.add(started("billing"));
        nextScrape();
        assertThat(supervisorTags()).containsExactly("billing", "orders");
        assertThat(registry.get(SupervisorMetrics.SUPERVISORS).gauge().value()).isEqualTo(2);
        assertThat(registry.get(SupervisorMetrics.CHILDREN).tag("supervisor", "orders").tag("state", "running")
                .gauge().value()).isEqualTo(1);                             // the first "orders", not the second

        roots.remove(first);
        nextScrape();
        assertThat(registry.get(SupervisorMetrics.CHILDREN).tag("supervisor", "orders").tag("state", "running")
                .gauge().value()).isEqualTo(2);                             // now the second one
    }
}
