package dev.arbor.functional;

import dev.arbor.ChildHealth;
import dev.arbor.ChildInfo;
import dev.arbor.ChildState;
import dev.arbor.HealthStatus;
import dev.arbor.Jitter;
import dev.arbor.Restart;
import dev.arbor.Supervisor;
import dev.arbor.SupervisorEvent.ServiceFailed;
import dev.arbor.SupervisorEvent.ServiceStarted;
import dev.arbor.SupervisorHealth;
import dev.arbor.SupervisorState;
import dev.arbor.SupervisorTotals;
import dev.arbor.support.EventLog;
import dev.arbor.support.Eventually;
import dev.arbor.support.Puppet;
import dev.arbor.support.Stopper;
import dev.arbor.testing.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

/**
 * {@link Supervisor#health()}: a snapshot of the whole tree that tells the truth about nested
 * supervisors (a child supervisor in BACKOFF is BACKOFF in its parent's view too), with the
 * verdict rule of {@link HealthStatus}, the remaining backoff on the supervisor's clock and totals
 * counted from events.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HealthSnapshotTest {
    private static final Duration BACKOFF = Duration.ofSeconds(10);
    private final ManualClock clock = new ManualClock();
    private final EventLog log = new EventLog();
    private final Puppet leaf = new Puppet();
    private final Puppet worker = new Puppet();
    private Supervisor root;
    private Supervisor workers;

    @AfterEach
    void stop() throws Exception {
        Stopper.stop(root);
    }

    /** root: [leaf, workers: [worker]]; workers backs off on its second failure at one instant. */
    private void startTree() {
        workers = Supervisor.builder("workers").clock(clock).failureThreshold(1)
                .failureBackoff(BACKOFF).backoffJitter(Jitter.none()).build();
        workers.add("worker", worker);
        root = Supervisor.builder("root").clock(clock).onEvent(log).build();
        root.add("leaf", leaf);
        root.add("workers", workers);
        root.start();
        log.await(ServiceStarted.class, e -> e.service().equals("worker"));   // the last of the three starts
    }

    private void failWorker(int times) {
        for (int i = 0; i < times; i++) {
            int runs = worker.runs();
            worker.fail();
            log.await(ServiceFailed.class, e -> e.service().equals("worker"));
            if (i < times - 1) {
                Eventually.until("worker restarted", () -> worker.runs() > runs);
            }
        }
    }

    @Test
    void aHealthyTreeIsUpAllTheWayDown() {
        startTree();
        SupervisorHealth health = root.health();
        assertThat(health.status()).isEqualTo(HealthStatus.UP);
        assertThat(health.state()).isEqualTo(SupervisorState.RUNNING);
        assertThat(health.backoffRemaining()).isEmpty();
        assertThat(health.children()).extracting(ChildHealth::name).containsExactly("leaf", "workers");
        ChildHealth sub = health.children().get(1);
        assertThat(sub.state()).isEqualTo(ChildState.RUNNING);
        assertThat(sub.restart()).isEqualTo(Restart.PERMANENT);
        assertThat(sub.supervisor()).hasValueSatisfying(w -> {
            assertThat(w.name()).isEqualTo("workers");
            assertThat(w.status()).isEqualTo(HealthStatus.UP);
            assertThat(w.children()).extracting(ChildHealth::name).containsExactly("worker");
        });
        assertThat(health.children().get(0).supervisor()).isEmpty();
    }

    @Test
    void aChildSupervisorInBackoffIsBackoffInItsParentsViewAndTheRootIsDegraded() {
        startTree();
        failWorker(2);
        // BackoffStarted came before that ServiceFailed: the backoff is on

        assertThat(root.children()).filteredOn(c -> c.name().equals("workers"))
                .extracting(ChildInfo::state).containsExactly(ChildState.BACKOFF);
        SupervisorHealth health = root.health();
        assertThat(health.status()).isEqualTo(HealthStatus.DEGRADED);
        SupervisorHealth w = health.children().get(1).supervisor().orElseThrow();
        assertThat(w.state()).isEqualTo(SupervisorState.BACKOFF);
        assertThat(w.status()).isEqualTo(HealthStatus.DEGRADED);
        assertThat(w.backoffRemaining()).contains(BACKOFF);
        assertThat(w.children()).extracting(ChildHealth::state).containsExactly(ChildState.BACKOFF);

        clock.advance(Duration.ofSeconds(4));
        assertThat(root.health().children().get(1).supervisor().orElseThrow().backoffRemaining())
                .contains(Duration.ofSeconds(6));

        clock.advance(Duration.ofSeconds(6));
        Eventually.until("worker restarted after the backoff", () -> worker.runs() == 3);
        Eventually.until("tree up again", () -> root.health().status() == HealthStatus.UP);
        assertThat(root.children()).extracting(ChildInfo::state).containsOnly(ChildState.RUNNING);
    }

    @Test
    void failuresAboveHalfTheThresholdAreDegradedBeforeAnyBackoff() {
        workers = Supervisor.builder("workers").clock(clock).onEvent(log).failureThreshold(3).build();
        workers.add("worker", worker);
        root = workers;
        workers.start();
        Eventually.until("worker started", () -> worker.runs() == 1);
        failWorker(1);
        Eventually.until("worker restarted", () -> worker.runs() == 2);
        assertThat(workers.health().status()).isEqualTo(HealthStatus.UP);       // 1 <= 1.5
        failWorker(1);
        Eventually.until("worker restarted", () -> worker.runs() == 3);
        SupervisorHealth health = workers.health();
        assertThat(health.failures()).isEqualTo(2.0);
        assertThat(health.failureThreshold()).isEqualTo(3.0);
        assertThat(health.status()).isEqualTo(HealthStatus.DEGRADED);           // 2 > 1.5
    }

    @Test
    void totalsCountEveryEventKindAndFailuresByCause() throws Exception {
        startTree();
        leaf.fail(new IllegalArgumentException("bad payload"));
        log.await(ServiceFailed.class, e -> e.service().equals("leaf"));
        Eventually.until("leaf restarted", () -> leaf.runs() == 2);
        leaf.complete();                      // PERMANENT: a return is a failure too
        Eventually.until("leaf restarted again", () -> leaf.runs() == 3);

        SupervisorTotals totals = root.health().totals();
        assertThat(totals.starts()).isEqualTo(4);        // leaf x3, workers x1
        assertThat(totals.failures()).isEqualTo(2);
        assertThat(totals.failuresByCause()).containsOnly(
                entry(IllegalArgumentException.class.getName(), 1L), entry(SupervisorTotals.RETURNED, 1L));

        root.stop();
        SupervisorHealth stopped = root.health();
        assertThat(stopped.status()).isEqualTo(HealthStatus.DOWN);
        assertThat(stopped.totals().stops()).isEqualTo(2);
        assertThat(stopped.totals().terminations()).isEqualTo(1);
    }

    @Test
    void aNewSupervisorIsDownAndForEachSupervisorWalksThePaths() {
        workers = Supervisor.builder("workers").clock(clock).build();
        root = Supervisor.builder("root").clock(clock).onEvent(log).build();
        root.add("workers", workers);
        assertThat(root.health().status()).isEqualTo(HealthStatus.DOWN);
        List<List<String>> paths = new ArrayList<>();
        root.health().forEachSupervisor((path, s) -> paths.add(path));
        assertThat(paths).containsExactly(List.of("root"), List.of("root", "workers"));
    }

    @Test
    void forEachChildWalksDepthFirstInAddOrder() {
        workers = Supervisor.builder("workers").clock(clock).build();
        workers.add("worker", worker);
        root = Supervisor.builder("root").clock(clock).onEvent(log).build();
        root.add("first", leaf);
        root.add("workers", workers);
        root.add("last", ctx -> ctx.awaitStop());
        List<String> seen = new ArrayList<>();
        root.health().forEachChild((path, c) -> seen.add(String.join("/", path) + "/" + c.name()));
        assertThat(seen).containsExactly("root/first", "root/workers", "root/workers/worker", "root/last");
    }
}
