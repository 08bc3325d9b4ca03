package dev.arbor.functional;

import dev.arbor.ChildSpec;
import dev.arbor.ServiceRef;
import dev.arbor.StopOrder;
import dev.arbor.StopReport;
import dev.arbor.Supervisor;
import dev.arbor.SupervisorState;
import dev.arbor.SupervisorEvent.ServiceStopped;
import dev.arbor.UnstoppedService;
import dev.arbor.support.EventLog;
import dev.arbor.testing.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * API.md: the StopReport "lists, recursively through child supervisors, every service run that is
 * still running", each with the path of supervisor names, root first (suture's trap: a report
 * that is not recursive).
 */
class RecursiveStopReportTest {
    private final ManualClock clock = new ManualClock();
    private final List<Hung> hungs = new ArrayList<>();

    @AfterEach
    void releaseHungChildren() {
        hungs.forEach(Hung::release);
    }

    private Hung hung() {
        Hung h = new Hung();
        hungs.add(h);
        return h;
    }

    private Supervisor.Builder supervisor(String name) {
        return Supervisor.builder(name).clock(clock).onEvent(e -> { }).shutdownTimeout(Duration.ofSeconds(10));
    }

    @Test
    void hungRunsAtEveryLevelAreReportedWithTheirPathRootFirst() throws Exception {
        EventLog log = new EventLog();       // mid and leafSup have no listener: they use root's
        Supervisor root = supervisor("root").onEvent(log).stopOrder(StopOrder.PARALLEL).build();
        Supervisor mid = Supervisor.builder("mid").clock(clock).stopOrder(StopOrder.PARALLEL)
                .shutdownTimeout(Duration.ofSeconds(5)).build();
        Supervisor leafSup = Supervisor.builder("leafSup").clock(clock).shutdownTimeout(Duration.ofSeconds(2)).build();
        Hung deep = hung();
        Hung middle = hung();
        Hung top = hung();
        root.add("mid", mid);
        root.add("top", top);
        mid.add("leafSup", leafSup);
        mid.add("fine", ctx -> ctx.awaitStop());
        mid.add("middle", middle);
        leafSup.add("deep", deep);
        root.start();
        deep.awaitStarted();
        middle.awaitStarted();
        top.awaitStarted();

        CompletableFuture<StopReport> stop = Bound.stopAsync(root);
        log.await(ServiceStopped.class, e -> e.service().equals("fine"));
        Bound.pendingTasks(clock, 3);         // root's 10 s, mid's 5 s, leafSup's 2 s

        clock.advance(Duration.ofSeconds(2)); // leafSup gives up on deep and ends
        assertThat(leafSup.state()).isEqualTo(SupervisorState.TERMINATED);
        clock.advance(Duration.ofSeconds(3)); // mid gives up on middle and ends
        assertThat(mid.state()).isEqualTo(SupervisorState.TERMINATED);
        assertThat(stop).isNotDone();
        clock.advance(Duration.ofSeconds(5)); // root gives up on top

        StopReport report = Bound.get(stop);
        assertThat(report.unstopped()).containsExactly(
                new UnstoppedService(List.of("root", "mid", "leafSup"), "deep"),
                new UnstoppedService(List.of("root", "mid"), "middle"),
                new UnstoppedService(List.of("root"), "top"));
    }

    @Test
    void aChildSupervisorStillStoppingWhenItsParentGivesUpIsReportedFromItsLiveRuns() throws Exception {
        EventLog log = new EventLog();
        Supervisor root = supervisor("root").onEvent(log).shutdownTimeout(Duration.ofSeconds(1)).build();
        Supervisor mid = Supervisor.builder("mid").clock(clock).stopOrder(StopOrder.PARALLEL)
                .shutdownTimeout(Duration.ofSeconds(5)).build();
        Hung deep = hung();
        root.add("mid", mid);
        mid.add("fine", ctx -> ctx.awaitStop());
        mid.add("deep", deep);
        root.start();
        deep.awaitStarted();

        CompletableFuture<StopReport> stop = Bound.stopAsync(root);
        log.await(ServiceStopped.class, e -> e.service().equals("fine"));
        Bound.pendingTasks(clock, 2);         // root's 1 s for mid, mid's 5 s for deep

        clock.advance(Duration.ofSeconds(1));

        assertThat(Bound.get(stop).unstopped()).containsExactly(new UnstoppedService(List.of("root", "mid"), "deep"));
        assertThat(mid.state()).isEqualTo(SupervisorState.STOPPING);
        clock.advance(Duration.ofSeconds(4));
        assertThat(mid.state()).isEqualTo(SupervisorState.TERMINATED);
    }

    @Test
    void aChildSupervisorThatGaveUpOnItsOwnChildInTimeStillReportsIt() throws Exception {
        // mid gives up on "deep" after 1 s and ends well within root's 10 s: root must still list deep.
        Supervisor root = supervisor("root").build();
        Supervisor mid = supervisor("mid").build();
        Hung deep = hung();
        root.add("mid", mid);
        mid.add(ChildSpec.of("deep", deep).withShutdownTimeout(Duration.ofSeconds(1)));
        root.start();
        deep.awaitStarted();

        CompletableFuture<StopReport> stop = Bound.stopAsync(root);
        Bound.pendingTasks(clock, 2);        // root's timer for mid, mid's timer for deep
        clock.advance(Duration.ofSeconds(1));

        assertThat(Bound.get(stop).unstopped()).containsExactly(new UnstoppedService(List.of("root", "mid"), "deep"));
        assertThat(clock.pendingTasks()).isZero();
    }

    @Test
    void stoppingAChildSupervisorDirectlyReportsFromItselfDown() throws Exception {
        Supervisor root = supervisor("root").build();
        Supervisor mid = supervisor("mid").build();
        Hung deep = hung();
        root.add("mid", mid);
        mid.add(ChildSpec.of("deep", deep).withShutdownTimeout(Duration.ZERO));
        root.start();
        deep.awaitStarted();

        StopReport report = mid.stop();

        assertThat(report.unstopped()).containsExactly(new UnstoppedService(List.of("mid"), "deep"));
        assertThat(root.stop().unstopped()).containsExactly(new UnstoppedService(List.of("root", "mid"), "deep"));
    }

    @Test
    void aRemovedChildSupervisorsAbandonedRunIsListedInALaterStop() throws Exception {
        Supervisor root = supervisor("root").build();
        Supervisor mid = supervisor("mid").build();
        Hung deep = hung();
        ServiceRef midRef = root.add("mid", mid);
        mid.add(ChildSpec.of("deep", deep).withShutdownTimeout(Duration.ZERO));
        root.start();
        deep.awaitStarted();

        assertThat(root.removeAndWait(midRef, Bound.BOUND)).isTrue();   // mid ends; deep is abandoned, alive
        assertThat(root.children()).isEmpty();

        assertThat(root.stop().unstopped()).containsExactly(new UnstoppedService(List.of("root", "mid"), "deep"));
    }
}
