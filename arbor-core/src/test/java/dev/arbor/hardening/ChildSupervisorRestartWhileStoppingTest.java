package dev.arbor.hardening;

import dev.arbor.ChildSpec;
import dev.arbor.ServiceRef;
import dev.arbor.StopOrder;
import dev.arbor.StopReport;
import dev.arbor.Strategy;
import dev.arbor.Supervisor;
import dev.arbor.SupervisorEvent;
import dev.arbor.SupervisorEvent.ServiceStarted;
import dev.arbor.SupervisorEvent.ServiceStopTimeout;
import dev.arbor.SupervisorEvent.ServiceStopped;
import dev.arbor.SupervisorEvent.SupervisorTerminated;
import dev.arbor.SupervisorState;
import dev.arbor.UnstoppedService;
import dev.arbor.support.EventLog;
import dev.arbor.support.FailsOnce;
import dev.arbor.testing.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Found by the soak (seed 24301072905): a parent that gives up waiting for a child supervisor
 * (its shutdown timeout) and restarts it while that supervisor is still stopping its previous run.
 * The supervisor must not begin the new run until the previous one has finished: beginning it at
 * once started its children a second time while their previous runs were still alive, losing
 * track of them (never stopped, never reported, events out of order).
 */
class ChildSupervisorRestartWhileStoppingTest {
    private final CountDownLatch release = new CountDownLatch(1);
    private final ManualClock clock = new ManualClock();
    private final EventLog log = new EventLog();

    @AfterEach
    void releaseHungThreads() {
        release.countDown();
    }

    @Test
    void aChildSupervisorRestartedWhileStillStoppingBeginsOnlyAfterItsPreviousRunEnded() throws Exception {
        Supervisor parent = parentBuilder().build();
        Supervisor sub = subWithHungAndCalm();
        parent.add(ChildSpec.of("sub", sub).withShutdownTimeout(Duration.ofSeconds(1)));
        FailsOnce trigger = addTrigger(parent);

        // parent stops sub for the restart; sub stops calm, then waits 10 s for hung;
        // parent gives up on sub and restarts it
        failTriggerAndOutwaitSub(parent, trigger);
        log.await(ServiceStopTimeout.class, e -> e.service().equals("sub"));
        log.await(ServiceStarted.class, e -> e.service().equals("sub") && e.restarts() == 1);
        assertThat(sub.state()).as("still stopping its previous run").isEqualTo(SupervisorState.STOPPING);

        clock.advance(Duration.ofSeconds(9));          // sub gives up on hung: its previous run is over
        log.await(SupervisorTerminated.class, e -> e.supervisor().equals("sub"));
        log.await(ServiceStarted.class, e -> e.supervisor().equals("sub") && e.service().equals("calm"));
        assertThat(sub.state()).isEqualTo(SupervisorState.RUNNING);

        CompletableFuture<StopReport> stopped = stopInBackground(parent);
        log.await(ServiceStopped.class, e -> e.supervisor().equals("sub") && e.service().equals("calm"));
        clock.advance(Duration.ofSeconds(1));          // parent gives up on sub again
        StopReport report = stopped.get(EventLog.BOUND.toSeconds(), TimeUnit.SECONDS);
        // Both hung runs are alive (the first abandoned, the second still stopping): each listed once.
        assertThat(report.unstopped()).containsExactly(
                new UnstoppedService(List.of("parent", "sub"), "hung"),
                new UnstoppedService(List.of("parent", "sub"), "hung"));
        assertRunsAlternate(log.all());
    }

    /**
     * The parent stops while the restarted child supervisor still waits for its previous run to
     * end: the parent then has two runs of the same supervisor (one abandoned, one not yet
     * begun), and its report must list what runs below that supervisor once, not once per run.
     */
    @Test
    void aStopReportListsAChildSupervisorsServicesOnceEvenWithTwoOfItsRunsOutstanding() throws Exception {
        Supervisor parent = parentBuilder().build();
        parent.add(ChildSpec.of("sub", subWithHungAndCalm()).withShutdownTimeout(Duration.ofSeconds(1)));
        FailsOnce trigger = addTrigger(parent);
        failTriggerAndOutwaitSub(parent, trigger);        // parent abandons sub's first run, begins a second
        log.await(ServiceStarted.class, e -> e.service().equals("sub") && e.restarts() == 1);
        log.await(ServiceStarted.class, e -> e.service().equals("trigger") && e.restarts() == 1);

        CompletableFuture<StopReport> stopped = stopInBackground(parent);
        log.await(ServiceStopped.class, e -> e.service().equals("trigger"));   // then sub's deadline is set
        clock.advance(Duration.ofSeconds(1));          // parent abandons sub's second run too
        StopReport report = stopped.get(EventLog.BOUND.toSeconds(), TimeUnit.SECONDS);
        assertThat(report.unstopped()).as("one hung thread is alive below sub")
                .containsExactly(new UnstoppedService(List.of("parent", "sub"), "hung"));
    }

    /**
     * Found by the soak (seed 3000026): the parent asks the restarted child supervisor's new run to
     * stop before that run could begin (the supervisor is still stopping its previous run). The
     * parent must not report that run stopped while the supervisor is still STOPPING: a child
     * supervisor is TERMINATED before its parent reports its end (API.md, Events). The stop request
     * is made from the parent's thread factory, which runs under the parent's lock right after the
     * parent started the new run: the one interleaving that matters, made deterministic.
     */
    @Test
    void aRunStoppedBeforeItBeganIsNotReportedStoppedWhileThePreviousRunIsStillStopping() throws Exception {
        ServiceRef[] subRef = new ServiceRef[1];
        Supervisor[] parentHolder = new Supervisor[1];
        java.util.concurrent.atomic.AtomicInteger threads = new java.util.concurrent.atomic.AtomicInteger();
        Supervisor parent = parentBuilder()
                .threadFactory(body -> {
                    if (threads.incrementAndGet() == 2) {      // the wave restarts trigger, right after sub
                        parentHolder[0].remove(subRef[0]);
                    }
                    return Thread.ofVirtual().unstarted(body);
                })
                .build();
        parentHolder[0] = parent;
        Supervisor sub = subWithHungAndCalm();
        subRef[0] = parent.add(ChildSpec.of("sub", sub).withShutdownTimeout(Duration.ofSeconds(1)));
        FailsOnce trigger = addTrigger(parent);
        failTriggerAndOutwaitSub(parent, trigger);   // abandons sub's first run, restarts sub and trigger; sub is removed
        log.await(ServiceStarted.class, e -> e.service().equals("trigger") && e.restarts() == 1);
        assertThat(sub.state()).isEqualTo(SupervisorState.STOPPING);
        clock.advance(Duration.ofSeconds(9));   // the removal's deadline (t = 2 s), then sub's (t = 10 s)
        log.await(SupervisorTerminated.class, e -> e.supervisor().equals("sub"));
        List<SupervisorEvent> events = log.all();
        int terminated = events.indexOf(new SupervisorTerminated("sub", null));
        for (int i = 0; i < terminated; i++) {
            assertThat(events.get(i)).as("sub's second run reported stopped while sub was still stopping: %s", events)
                    .isNotEqualTo(new ServiceStopped("parent", "sub"));
        }
        assertThat(parent.children()).extracting(c -> c.name()).containsExactly("trigger");
        assertRunsAlternate(events);
        parent.close();
    }

    /** A ONE_FOR_ALL "parent" on the test's clock, its events in the test's log. */
    private Supervisor.Builder parentBuilder() {
        return Supervisor.builder("parent").clock(clock).onEvent(log).strategy(Strategy.ONE_FOR_ALL);
    }

    /**
     * "sub", stopping in PARALLEL with a 10 s timeout: "hung" ignores its stop request until the
     * test releases it, "calm" stops at once. PARALLEL: calm's ServiceStopped then proves that
     * hung's deadline is on the clock.
     */
    private Supervisor subWithHungAndCalm() {
        Supervisor sub = Supervisor.builder("sub").clock(clock).shutdownTimeout(Duration.ofSeconds(10))
                .stopOrder(StopOrder.PARALLEL).build();
        sub.add("hung", ctx -> {
            while (true) {
                try {
                    release.await();
                    return;
                } catch (InterruptedException ignored) {
                    // ignores its stop request
                }
            }
        });
        sub.add("calm", ctx -> ctx.awaitStop());
        return sub;
    }

    /** Adds "trigger", which fails once, when the test says so: a ONE_FOR_ALL restart. */
    private static FailsOnce addTrigger(Supervisor parent) {
        FailsOnce trigger = new FailsOnce("trigger a ONE_FOR_ALL restart");
        parent.add("trigger", trigger);
        return trigger;
    }

    /**
     * Starts the parent and fails trigger: the parent stops sub for the restart, sub stops calm and
     * waits for hung. Then 1 s passes, sub's shutdown timeout in the parent: the parent gives up on
     * sub's run and restarts sub and trigger.
     */
    private void failTriggerAndOutwaitSub(Supervisor parent, FailsOnce trigger) {
        parent.start();
        log.await(ServiceStarted.class, e -> e.service().equals("trigger"));
        log.await(ServiceStarted.class, e -> e.service().equals("calm"));
        trigger.fail();
        log.await(ServiceStopped.class, e -> e.service().equals("calm"));
        clock.advance(Duration.ofSeconds(1));
    }

    private static CompletableFuture<StopReport> stopInBackground(Supervisor parent) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return parent.stop();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** Per (supervisor, service): a start, exactly one end, a start... never two starts in a row. */
    static void assertRunsAlternate(List<SupervisorEvent> events) {
        Map<String, Boolean> running = new HashMap<>();
        for (SupervisorEvent e : events) {
            switch (e) {
                case ServiceStarted s -> assertThat(running.put(s.supervisor() + "/" + s.service(), true))
                        .as("%s started while its previous run had no end, in %s", s, events).isNotEqualTo(true);
                case SupervisorEvent.ServiceFailed f -> ended(running, f.supervisor(), f.service(), events);
                case SupervisorEvent.ServiceCompleted c -> ended(running, c.supervisor(), c.service(), events);
                case ServiceStopped s -> ended(running, s.supervisor(), s.service(), events);
                case ServiceStopTimeout t -> ended(running, t.supervisor(), t.service(), events);
                default -> { }
            }
        }
    }

    private static void ended(Map<String, Boolean> running, String sup, String service, List<SupervisorEvent> events) {
        assertThat(running.put(sup + "/" + service, false)).as("end of %s/%s without a run, in %s", sup, service, events)
                .isTrue();
    }
}
