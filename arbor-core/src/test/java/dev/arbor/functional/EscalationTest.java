package dev.arbor.functional;

import dev.arbor.ChildSpec;
import dev.arbor.Restart;
import dev.arbor.RestartIntensityException;
import dev.arbor.Supervisor;
import dev.arbor.SupervisorEvent.ServiceFailed;
import dev.arbor.SupervisorEvent.ServiceStarted;
import dev.arbor.SupervisorEvent.SupervisorTerminated;
import dev.arbor.SupervisorState;
import dev.arbor.support.EventLog;
import dev.arbor.support.Puppet;
import dev.arbor.support.Stopper;
import dev.arbor.testing.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * API.md v2: a child supervisor that exceeds its {@code maxRestarts} fails in its parent's eyes
 * with its {@link RestartIntensityException}: a counted failure, restarted according to the
 * child's {@code Restart} type (a new run starts with no restarts), so the escalation climbs as far
 * as the tree says, up to the root, whose {@code run()} throws the root's own exception.
 *
 * <p>The tree is root → [mid → [leaf]]; mid has no listener, so its events reach root's log.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class EscalationTest {
    private static final Duration WINDOW = Duration.ofSeconds(5);

    private final ManualClock clock = new ManualClock();
    private final EventLog log = new EventLog();
    private final Puppet leaf = new Puppet();
    private Supervisor root;
    private Supervisor mid;

    @AfterEach
    void stop() throws Exception {
        Stopper.stop(root);
    }

    private void build(Supervisor.Builder rootBuilder, Restart midRestart) {
        root = rootBuilder.clock(clock).onEvent(log).build();
        mid = Supervisor.builder("mid").clock(clock).maxRestarts(1, WINDOW).build();
        mid.add("leaf", leaf);
        root.add(ChildSpec.of("mid", mid).withRestart(midRestart));
    }

    /** Two failures of the leaf: the second exceeds mid's limit of one restart. */
    private RestartIntensityException exceedMid() {
        leaf.fail();
        log.await(ServiceStarted.class, s -> s.service().equals("leaf"));
        leaf.fail();
        SupervisorTerminated terminated = log.await(SupervisorTerminated.class, t -> t.supervisor().equals("mid"));
        return (RestartIntensityException) terminated.cause();
    }

    @Test
    void aPermanentChildSupervisorThatGivesUpIsACountedFailureOfItsParentAndRestarts() {
        build(Supervisor.builder("root"), Restart.PERMANENT);
        root.start();
        log.await(ServiceStarted.class, s -> s.service().equals("leaf"));
        RestartIntensityException rie = exceedMid();

        ServiceFailed midFailed = log.next(ServiceFailed.class);
        assertThat(midFailed.supervisor()).isEqualTo("root");
        assertThat(midFailed.service()).isEqualTo("mid");
        assertThat(midFailed.cause()).isSameAs(rie);
        assertThat(midFailed.failures()).as("counted").isEqualTo(1.0);
        assertThat(midFailed.restarting()).isTrue();
        assertThat(log.next(ServiceStarted.class).service()).isEqualTo("mid");
        assertThat(log.next(ServiceStarted.class).service()).isEqualTo("leaf");

        leaf.fail();                                  // a new run of mid starts with no restarts
        log.await(ServiceStarted.class, s -> s.service().equals("leaf"));
        assertThat(mid.state()).isEqualTo(SupervisorState.RUNNING);
        assertThat(root.children().get(0).lastFailure()).containsSame(rie);
    }

    @Test
    void aTransientChildSupervisorThatGivesUpIsRestartedToo() {
        build(Supervisor.builder("root"), Restart.TRANSIENT);
        root.start();
        log.await(ServiceStarted.class, s -> s.service().equals("leaf"));
        exceedMid();
        assertThat(log.next(ServiceFailed.class).restarting()).isTrue();
        assertThat(log.next(ServiceStarted.class).service()).isEqualTo("mid");
    }

    @Test
    void aTemporaryChildSupervisorThatGivesUpIsRemoved() {
        build(Supervisor.builder("root"), Restart.TEMPORARY);
        root.start();
        log.await(ServiceStarted.class, s -> s.service().equals("leaf"));
        exceedMid();
        assertThat(log.next(ServiceFailed.class).restarting()).isFalse();
        assertThat(root.children()).isEmpty();
        assertThat(root.state()).isEqualTo(SupervisorState.RUNNING);
    }

    @Test
    void theEscalationClimbsToTheRootWhoseRunThrowsItsOwnException() throws Exception {
        build(Supervisor.builder("root").maxRestarts(0, WINDOW), Restart.PERMANENT);
        CompletableFuture<Throwable> ran = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> ran.complete(catchThrowable(root::run)));
        log.await(ServiceStarted.class, s -> s.service().equals("leaf"));
        RestartIntensityException midGaveUp = exceedMid();

        assertThat(log.next(ServiceFailed.class).restarting()).isFalse();
        SupervisorTerminated rootEnd = log.next(SupervisorTerminated.class);
        assertThat(rootEnd.supervisor()).isEqualTo("root");
        RestartIntensityException rootGaveUp = (RestartIntensityException) rootEnd.cause();
        assertThat(rootGaveUp.supervisor()).isEqualTo("root");
        assertThat(rootGaveUp.getCause()).isSameAs(midGaveUp);
        assertThat(ran.get(10, TimeUnit.SECONDS)).isSameAs(rootGaveUp);
        assertThat(root.terminationCause()).containsSame(rootGaveUp);
        assertThat(mid.terminationCause()).containsSame(midGaveUp);
    }
}
