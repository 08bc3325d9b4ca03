package dev.arbor.functional;

import dev.arbor.DoNotRestartException;
import dev.arbor.Strategy;
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
import dev.arbor.support.Eventually;
import dev.arbor.support.Puppet;
import dev.arbor.testing.ManualClock;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Supervisors as children: a child supervisor is TERMINATED before its parent reports its end; a
 * parent that restarts it (a strategy restart) runs its children again; one without a listener of
 * its own reports through its parent's, one with its own does not; and a supervisor wrapped in a
 * plain service ({@code ctx -> sub.serve(ctx)}) behaves as a child too.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)   // a wedged supervisor fails, not hangs
class NestedSupervisorTest {
    private final ManualClock clock = new ManualClock();
    private final EventLog log = new EventLog();
    private final List<Supervisor> toStop = new ArrayList<>();
    private final List<Sibling> toRelease = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        toRelease.forEach(Sibling::release);
        Stopper.stop(toStop.toArray(Supervisor[]::new));
    }

    private Supervisor root(Supervisor.Builder b) {
        Supervisor root = b.clock(clock).build();
        toStop.add(root);
        return root;
    }

    /** Root runs mid (which runs leaf) and trigger; returns once leaf and trigger have started. */
    private void startTree(Supervisor root, Supervisor mid, Puppet leaf, Puppet trigger) {
        root.add("mid", mid);
        root.add("trigger", trigger);
        mid.add("leaf", leaf);
        root.start();
        awaitEvent(new ServiceStarted("mid", "leaf", 0));
        awaitEvent(new ServiceStarted("root", "trigger", 0));
    }

    /** Waits until {@code event} was delivered (in any order relative to others). */
    private void awaitEvent(SupervisorEvent event) {
        Eventually.until(() -> event + " in " + log.all(), () -> log.all().contains(event));
    }

    /** How the child supervisor "mid" ends, for the parent. */
    enum Ending { TERMINATE_TREE_NOT_PROPAGATED, TERMINATE_TREE_PROPAGATED, DIRECT_STOP, PARENT_STOP, STRATEGY_RESTART }

    @ParameterizedTest
    @EnumSource(Ending.class)
    void childSupervisorIsTerminatedBeforeItsParentReportsItsEnd(Ending ending) throws Exception {
        Supervisor[] midHolder = new Supervisor[1];
        List<String> seen = Collections.synchronizedList(new ArrayList<>());
        Consumer<SupervisorEvent> listener = event -> {
            boolean endOfMid = event.supervisor().equals("root") && switch (event) {
                case ServiceFailed f -> f.service().equals("mid");
                case ServiceCompleted c -> c.service().equals("mid");
                case ServiceStopped s -> s.service().equals("mid");
                default -> false;
            };
            if (endOfMid) {
                seen.add(event.getClass().getSimpleName() + " while mid is " + midHolder[0].state());
            }
            log.accept(event);
        };
        Sibling held = new Sibling("held", new ArrayList<>()).hold();   // delays a strategy restart
        toRelease.add(held);
        Supervisor root = root(Supervisor.builder("root").onEvent(listener).strategy(Strategy.ONE_FOR_ALL));
        Supervisor mid = Supervisor.builder("mid").clock(clock)
                .propagateTermination(ending != Ending.TERMINATE_TREE_NOT_PROPAGATED).build();
        midHolder[0] = mid;
        Puppet leaf = new Puppet();
        Puppet trigger = new Puppet();
        root.add("held", held);
        root.add("mid", mid);
        root.add("trigger", trigger);
        mid.add("leaf", leaf);
        root.start();
        awaitEvent(new ServiceStarted("mid", "leaf", 0));
        awaitEvent(new ServiceStarted("root", "trigger", 0));

        switch (ending) {
            case TERMINATE_TREE_NOT_PROPAGATED, TERMINATE_TREE_PROPAGATED -> leaf.fail(new TerminateTreeException("x"));
            case DIRECT_STOP -> mid.stop();
            case PARENT_STOP -> {
                held.release();
                root.stop();
            }
            case STRATEGY_RESTART -> trigger.fail();   // stops trigger, mid, then held (which hangs)
        }
        Eventually.until("root reported mid's end", () -> !seen.isEmpty());
        String expected = switch (ending) {
            case TERMINATE_TREE_NOT_PROPAGATED, DIRECT_STOP -> "ServiceCompleted";
            case TERMINATE_TREE_PROPAGATED -> "ServiceFailed";
            case PARENT_STOP, STRATEGY_RESTART -> "ServiceStopped";
        };
        assertThat(seen.get(0)).isEqualTo(expected + " while mid is TERMINATED");
        // and in the shared event stream, mid's own end comes before its parent's report of it
        List<SupervisorEvent> all = log.all();
        int midTerminated = all.indexOf(all.stream().filter(e -> e instanceof SupervisorTerminated t
                && t.supervisor().equals("mid")).findFirst().orElseThrow());
        int reported = all.indexOf(all.stream().filter(e -> e.supervisor().equals("root")
                && e.getClass().getSimpleName().equals(expected)
                && e.toString().contains("service=mid")).findFirst().orElseThrow());
        assertThat(midTerminated).isLessThan(reported);
    }

    @Test
    void childSupervisorRestartedByItsParentRunsItsChildrenAgain() throws Exception {
        Supervisor root = root(Supervisor.builder("root").onEvent(log).strategy(Strategy.ONE_FOR_ALL));
        Supervisor mid = Supervisor.builder("mid").clock(clock).build();
        Puppet leaf = new Puppet();
        Puppet trigger = new Puppet();
        startTree(root, mid, leaf, trigger);
        Eventually.until("leaf's first run began", () -> leaf.runs() == 1);

        trigger.fail();
        awaitEvent(new ServiceStarted("root", "mid", 1));
        Eventually.until("mid started leaf again", () -> log.all().stream()
                .filter(e -> e instanceof ServiceStarted s && s.supervisor().equals("mid")).count() == 2);
        Eventually.until("leaf's second run began", () -> leaf.runs() == 2);
        assertThat(mid.state()).isEqualTo(SupervisorState.RUNNING);
        assertThat(mid.children()).hasSize(1);
        assertThat(log.all()).contains(new ServiceStopped("mid", "leaf"), new SupervisorTerminated("mid", null),
                new ServiceStopped("root", "mid"));

        // the restarted child supervisor supervises as before
        leaf.fail();
        ServiceFailed failed = log.await(ServiceFailed.class, f -> f.supervisor().equals("mid"));
        assertThat(failed.restarting()).isTrue();
        Eventually.until("leaf's third run began", () -> leaf.runs() == 3);
    }

    @Test
    void childSupervisorWithoutAListenerReportsThroughItsParentsAndOneWithItsOwnDoesNot() throws Exception {
        EventLog ownLog = new EventLog();
        Supervisor root = root(Supervisor.builder("root").onEvent(log));
        Supervisor inheriting = Supervisor.builder("inheriting").clock(clock).build();
        Supervisor own = Supervisor.builder("own").clock(clock).onEvent(ownLog).build();
        Puppet a = new Puppet();
        Puppet b = new Puppet();
        root.add("inheriting", inheriting);
        root.add("own", own);
        inheriting.add("a", a);
        own.add("b", b);
        root.start();
        assertThat(log.await(ServiceStarted.class, s -> s.service().equals("a")).supervisor()).isEqualTo("inheriting");
        assertThat(ownLog.next(ServiceStarted.class)).isEqualTo(new ServiceStarted("own", "b", 0));
        a.fail();
        b.fail();
        assertThat(log.await(ServiceFailed.class).supervisor()).isEqualTo("inheriting");
        assertThat(ownLog.next(ServiceFailed.class).supervisor()).isEqualTo("own");
        root.stop();
        ownLog.await(SupervisorTerminated.class);
        log.await(SupervisorTerminated.class, t -> t.supervisor().equals("root"));

        assertThat(log.all()).extracting(SupervisorEvent::supervisor).containsOnly("root", "inheriting");
        assertThat(ownLog.all()).extracting(SupervisorEvent::supervisor).containsOnly("own");
        assertThat(log.all()).contains(new ServiceStarted("root", "own", 0), new ServiceStopped("root", "own"));
    }

    @Test
    void supervisorWrappedInALambdaServiceRunsAsAChild() throws Exception {
        Supervisor root = root(Supervisor.builder("root").onEvent(log));
        Supervisor sub = Supervisor.builder("sub").clock(clock).build();
        Puppet leaf = new Puppet();
        sub.add("leaf", leaf);
        root.add("wrapper", ctx -> sub.serve(ctx));
        root.start();
        assertThat(log.await(ServiceStarted.class, s -> s.service().equals("leaf")).supervisor()).isEqualTo("sub");
        assertThat(sub.state()).isEqualTo(SupervisorState.RUNNING);

        leaf.fail();
        ServiceFailed failed = log.await(ServiceFailed.class);
        assertThat(failed.supervisor()).isEqualTo("sub");
        assertThat(failed.restarting()).isTrue();
        log.await(ServiceStarted.class, s -> s.service().equals("leaf"));

        assertThat(root.stop().clean()).isTrue();
        assertThat(sub.state()).isEqualTo(SupervisorState.TERMINATED);
        log.await(SupervisorTerminated.class, t -> t.supervisor().equals("root"));
        List<SupervisorEvent> all = log.all();
        assertThat(all).containsSubsequence(new ServiceStopped("sub", "leaf"), new SupervisorTerminated("sub", null),
                new ServiceStopped("root", "wrapper"), new SupervisorTerminated("root", null));
    }

    @Test
    void terminateTreeInsideAWrappedSupervisorTerminatesTheRoot() throws Exception {
        Supervisor root = root(Supervisor.builder("root").onEvent(log));
        Supervisor sub = Supervisor.builder("sub").clock(clock).build();
        Puppet leaf = new Puppet();
        sub.add("leaf", leaf);
        root.add("wrapper", ctx -> sub.serve(ctx));
        CompletableFuture<Throwable> ran = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> ran.complete(catchThrowable(root::run)));
        log.await(ServiceStarted.class, s -> s.service().equals("leaf"));
        TerminateTreeException tte = new TerminateTreeException("inside");
        leaf.fail(tte);
        assertThat(ran.get(10, TimeUnit.SECONDS)).isSameAs(tte);
        assertThat(sub.terminationCause()).containsSame(tte);
        assertThat(root.terminationCause()).containsSame(tte);
    }

    @Test
    void wrappedSupervisorThatDoesNotPropagateCompletesItsWrapper() throws Exception {
        Supervisor root = root(Supervisor.builder("root").onEvent(log));
        Supervisor sub = Supervisor.builder("sub").clock(clock).propagateTermination(false).build();
        Puppet leaf = new Puppet();
        sub.add("leaf", leaf);
        ConcurrentHashMap<String, Throwable> thrownByServe = new ConcurrentHashMap<>();
        root.add("wrapper", ctx -> {
            try {
                sub.serve(ctx);
            } catch (Exception e) {
                thrownByServe.put("serve", e);
                throw e;
            }
        });
        root.start();
        log.await(ServiceStarted.class, s -> s.service().equals("leaf"));
        leaf.fail(new TerminateTreeException("inside"));
        assertThat(log.await(ServiceCompleted.class)).isEqualTo(new ServiceCompleted("root", "wrapper"));
        assertThat(thrownByServe.get("serve")).isInstanceOf(DoNotRestartException.class);
        assertThat(root.state()).isEqualTo(SupervisorState.RUNNING);
        assertThat(root.children()).isEmpty();
    }

    @Test
    void childSupervisorStoppedIntoItsParentsBackoffRunsItsChildrenAgainWhenTheBackoffEnds() throws Exception {
        Supervisor root = root(Supervisor.builder("root").onEvent(log).strategy(Strategy.ONE_FOR_ALL)
                .failureThreshold(0).failureBackoff(java.time.Duration.ofSeconds(10))
                .backoffJitter(dev.arbor.Jitter.none()));
        Supervisor mid = Supervisor.builder("mid").clock(clock).build();
        Puppet leaf = new Puppet();
        Puppet trigger = new Puppet();
        startTree(root, mid, leaf, trigger);

        trigger.fail();                                   // 1 > 0: backoff, and mid is stopped to wait for it
        awaitEvent(new ServiceStopped("root", "mid"));
        assertThat(mid.state()).isEqualTo(SupervisorState.TERMINATED);
        assertThat(root.state()).isEqualTo(SupervisorState.BACKOFF);
        assertThat(root.children()).extracting(c -> c.state()).containsOnly(dev.arbor.ChildState.BACKOFF);

        clock.advance(java.time.Duration.ofSeconds(10));
        awaitEvent(new ServiceStarted("root", "mid", 1));
        Eventually.until("leaf's second run began", () -> leaf.runs() == 2);
        assertThat(mid.state()).isEqualTo(SupervisorState.RUNNING);
    }
}
