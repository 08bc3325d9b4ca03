package dev.arbor.functional;

import dev.arbor.ChildInfo;
import dev.arbor.StopReport;
import dev.arbor.Supervisor;
import dev.arbor.SupervisorEvent;
import dev.arbor.SupervisorEvent.ServiceCompleted;
import dev.arbor.SupervisorEvent.ServiceFailed;
import dev.arbor.SupervisorEvent.ServiceStarted;
import dev.arbor.SupervisorEvent.ServiceStopped;
import dev.arbor.SupervisorEvent.SupervisorTerminated;
import dev.arbor.SupervisorState;
import dev.arbor.TerminateTreeException;
import dev.arbor.support.EventLog;
import dev.arbor.support.Stopper;
import dev.arbor.support.Puppet;
import dev.arbor.testing.ManualClock;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * API.md "Supervisor", trees: a {@link TerminateTreeException} terminates its supervisor and,
 * through {@code serve}, every ancestor, and the root's {@code run()} throws it; with
 * {@code propagateTermination(false)} the child supervisor ends as if it threw
 * {@code DoNotRestartException} instead; fatal JVM errors propagate regardless; {@code stop()}
 * called on a child supervisor stops it for good and its parent sees it complete.
 *
 * <p>The tree is root → [bystander, mid → [sibling, leaf]]; mid has no listener, so its events
 * reach root's log too.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)   // a wedged supervisor fails, not hangs
class TreePropagationTest {
    private final ManualClock clock = new ManualClock();
    private final EventLog log = new EventLog();
    private final Puppet bystander = new Puppet();
    private final Puppet sibling = new Puppet();
    private final Puppet leaf = new Puppet();
    private Supervisor root;
    private Supervisor mid;
    private CompletableFuture<Throwable> ran;

    @AfterEach
    void stop() throws Exception {
        Stopper.stop(root);
    }

    private void build(boolean midPropagates) {
        root = Supervisor.builder("root").clock(clock).onEvent(log).build();
        mid = Supervisor.builder("mid").clock(clock).propagateTermination(midPropagates).build();
        root.add("bystander", bystander);
        root.add("mid", mid);
        mid.add("sibling", sibling);
        mid.add("leaf", leaf);
    }

    /** Runs root with run() in the background; waits until leaf runs. */
    private void runRoot() {
        ran = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> ran.complete(catchThrowable(root::run)));
        log.await(ServiceStarted.class, s -> s.supervisor().equals("mid") && s.service().equals("leaf"));
    }

    private Throwable runResult() throws Exception {
        return ran.get(10, TimeUnit.SECONDS);
    }

    private int indexOf(SupervisorEvent event) {
        int i = log.all().indexOf(event);
        assertThat(i).as("%s was emitted", event).isNotNegative();
        return i;
    }

    @Test
    void terminateTreeInAGrandchildTerminatesEveryLevelAndRootRunThrowsIt() throws Exception {
        build(true);
        runRoot();
        TerminateTreeException tte = new TerminateTreeException("from the leaf");
        leaf.fail(tte);

        assertThat(runResult()).isSameAs(tte);
        assertThat(root.state()).isEqualTo(SupervisorState.TERMINATED);
        assertThat(mid.state()).isEqualTo(SupervisorState.TERMINATED);
        assertThat(root.terminationCause()).containsSame(tte);
        assertThat(mid.terminationCause()).containsSame(tte);

        log.await(SupervisorTerminated.class, t -> t.supervisor().equals("root"));
        List<SupervisorEvent> all = log.all();
        assertThat(all).contains(
                new ServiceStopped("mid", "sibling"),
                new SupervisorTerminated("mid", tte),
                new ServiceFailed("root", "mid", tte, 0.0, 5.0, false),
                new ServiceStopped("root", "bystander"),
                new SupervisorTerminated("root", tte));
        assertThat(indexOf(new SupervisorTerminated("mid", tte)))
                .isLessThan(indexOf(new ServiceFailed("root", "mid", tte, 0.0, 5.0, false)));
        assertThat(all).filteredOn(e -> e instanceof ServiceStarted).hasSize(4);   // nothing restarted
    }

    @Test
    void withoutPropagationTheChildSupervisorCompletesAndTheParentKeepsRunning() throws Exception {
        build(false);
        runRoot();
        TerminateTreeException tte = new TerminateTreeException("from the leaf");
        leaf.fail(tte);

        ServiceCompleted completed = log.await(ServiceCompleted.class);
        assertThat(completed).isEqualTo(new ServiceCompleted("root", "mid"));
        assertThat(mid.state()).isEqualTo(SupervisorState.TERMINATED);
        assertThat(mid.terminationCause()).containsSame(tte);
        assertThat(root.state()).isEqualTo(SupervisorState.RUNNING);
        assertThat(root.children()).extracting(ChildInfo::name).containsExactly("bystander");
        assertThat(root.children().get(0).restarts()).isZero();
        assertThat(log.all()).noneMatch(e -> e instanceof ServiceFailed f && f.supervisor().equals("root"));

        // the root is unharmed: its other child still fails and restarts as usual
        bystander.fail();
        ServiceFailed failed = log.await(ServiceFailed.class, f -> f.supervisor().equals("root"));
        assertThat(failed.failures()).isEqualTo(1.0);
        assertThat(failed.restarting()).isTrue();

        assertThat(root.stop().clean()).isTrue();
        assertThat(runResult()).isNull();
    }

    @Test
    void fatalErrorsPropagateEvenWithoutTerminationPropagation() throws Exception {
        build(false);
        runRoot();
        OutOfMemoryError oom = new OutOfMemoryError("test");
        leaf.fail(oom);
        assertThat(runResult()).isSameAs(oom);
        assertThat(root.terminationCause()).containsSame(oom);
        assertThat(mid.terminationCause()).containsSame(oom);
        log.await(SupervisorTerminated.class, t -> t.supervisor().equals("root"));
        assertThat(log.all()).noneMatch(e -> e instanceof ServiceCompleted);
    }

    @Test
    void terminationPropagatesThroughEveryPropagatingLevelAndStopsAtTheFirstThatDoesNot() throws Exception {
        // root → upper (does not propagate) → lower (propagates) → leaf
        root = Supervisor.builder("root").clock(clock).onEvent(log).build();
        Supervisor upper = Supervisor.builder("upper").clock(clock).propagateTermination(false).build();
        Supervisor lower = Supervisor.builder("lower").clock(clock).build();
        root.add("bystander", bystander);
        root.add("upper", upper);
        upper.add("lower", lower);
        lower.add("leaf", leaf);
        root.start();
        log.await(ServiceStarted.class, s -> s.service().equals("leaf"));
        TerminateTreeException tte = new TerminateTreeException("deep");
        leaf.fail(tte);

        assertThat(log.await(ServiceCompleted.class)).isEqualTo(new ServiceCompleted("root", "upper"));
        assertThat(lower.terminationCause()).containsSame(tte);
        assertThat(upper.terminationCause()).containsSame(tte);
        assertThat(log.all()).contains(new ServiceFailed("upper", "lower", tte, 0.0, 5.0, false));
        assertThat(root.state()).isEqualTo(SupervisorState.RUNNING);
        assertThat(root.terminationCause()).isEmpty();
    }

    @Test
    void stopCalledOnAChildSupervisorStopsItForGoodAndItsParentSeesItComplete() throws Exception {
        build(true);
        runRoot();
        StopReport report = mid.stop();
        assertThat(report.clean()).isTrue();
        assertThat(mid.state()).isEqualTo(SupervisorState.TERMINATED);
        assertThat(mid.terminationCause()).isEmpty();

        assertThat(log.await(ServiceCompleted.class)).isEqualTo(new ServiceCompleted("root", "mid"));
        assertThat(log.all()).contains(new ServiceStopped("mid", "leaf"), new ServiceStopped("mid", "sibling"),
                new SupervisorTerminated("mid", null));
        assertThat(root.state()).isEqualTo(SupervisorState.RUNNING);
        assertThat(root.children()).extracting(ChildInfo::name).containsExactly("bystander");
        assertThat(log.all()).noneMatch(e -> e instanceof ServiceFailed);
        assertThat(mid.stop()).isSameAs(report);

        assertThat(root.stop().clean()).isTrue();
        assertThat(runResult()).isNull();
        // never served again after its stop
        assertThat(log.all()).filteredOn(e -> e instanceof ServiceStarted s && s.service().equals("mid")).hasSize(1);
    }
}
