package dev.arbor.functional;

import dev.arbor.StopReport;
import dev.arbor.Supervisor;
import dev.arbor.SupervisorState;
import dev.arbor.UnstoppedService;
import dev.arbor.testing.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * API.md: "stop() on a supervisor that never started returns a clean report and leaves it
 * TERMINATED; calling stop() again returns the same report" (suture's trap: stop() on a
 * never-started supervisor blocking forever).
 */
class StopIdempotenceTest {
    private final ManualClock clock = new ManualClock();
    private final Supervisor sup = Supervisor.builder("sup").clock(clock).shutdownTimeout(Duration.ofSeconds(5)).build();
    private final Hung hung = new Hung();

    @AfterEach
    void releaseHungChild() {
        hung.release();
    }

    @Test
    void stopOnANeverStartedSupervisorReturnsACleanReportAtOnceAndTerminatesIt() {
        AtomicBoolean ran = new AtomicBoolean();
        sup.add("never", ctx -> ran.set(true));

        StopReport report = assertTimeoutPreemptively(Bound.BOUND, sup::stop);

        assertThat(report.clean()).isTrue();
        assertThat(report.unstopped()).isEmpty();
        assertThat(sup.state()).isEqualTo(SupervisorState.TERMINATED);
        assertThat(sup.terminationCause()).isEmpty();
        assertThat(ran).isFalse();
        assertThat(assertTimeoutPreemptively(Bound.BOUND, sup::stop)).isEqualTo(report);
        assertThatThrownBy(() -> sup.add("late", ctx -> { })).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void stopTwiceReturnsTheSameReportWithoutWaitingAgain() throws Exception {
        sup.add("hung", hung);
        sup.start();
        hung.awaitStarted();

        CompletableFuture<StopReport> first = Bound.stopAsync(sup);
        Bound.pendingTasks(clock, 1);
        clock.advance(Duration.ofSeconds(5));
        StopReport report = Bound.get(first);
        assertThat(report.unstopped()).containsExactly(new UnstoppedService(List.of("sup"), "hung"));

        // The hung run is still alive, no clock time passes: the second call must not wait.
        StopReport again = assertTimeoutPreemptively(Bound.BOUND, sup::stop);
        assertThat(again).isEqualTo(report);
        assertThat(clock.pendingTasks()).isZero();

        // Even after the hung run finally ends, stop() still answers with that stop's report.
        hung.release();
        hung.awaitEnded();
        assertThat(assertTimeoutPreemptively(Bound.BOUND, sup::stop)).isEqualTo(report);
    }

    @Test
    void stopFromTwoThreadsAtOnceReturnsTheSameReportToBoth() throws Exception {
        sup.add("hung", hung);
        sup.start();
        hung.awaitStarted();

        CompletableFuture<StopReport> one = Bound.stopCall(sup).awaitParked().report();
        CompletableFuture<StopReport> two = Bound.stopCall(sup).awaitParked().report();
        Bound.pendingTasks(clock, 1);           // one shutdown timer: the stop was requested once
        assertThat(sup.state()).isEqualTo(SupervisorState.STOPPING);
        assertThat(one).isNotDone();
        assertThat(two).isNotDone();

        clock.advance(Duration.ofSeconds(5));

        StopReport a = Bound.get(one);
        StopReport b = Bound.get(two);
        assertThat(a).isEqualTo(b);
        assertThat(a.unstopped()).containsExactly(new UnstoppedService(List.of("sup"), "hung"));
        assertThat(sup.state()).isEqualTo(SupervisorState.TERMINATED);
        assertThat(clock.pendingTasks()).isZero();
    }

    @Test
    void concurrentStopsOfANeverStartedSupervisorAllReturnCleanReports() throws Exception {
        List<CompletableFuture<StopReport>> stops = List.of(
                Bound.stopAsync(sup), Bound.stopAsync(sup), Bound.stopAsync(sup), Bound.stopAsync(sup));
        for (CompletableFuture<StopReport> stop : stops) {
            assertThat(Bound.get(stop).clean()).isTrue();
        }
        assertThat(sup.state()).isEqualTo(SupervisorState.TERMINATED);
    }
}
