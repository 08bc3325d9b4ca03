package dev.arbor.functional;

import dev.arbor.ChildInfo;
import dev.arbor.ChildState;
import dev.arbor.ServiceRef;
import dev.arbor.StopReport;
import dev.arbor.SupervisorEvent.ServiceStarted;
import dev.arbor.SupervisorEvent.ServiceStopTimeout;
import dev.arbor.SupervisorEvent.ServiceStopped;
import dev.arbor.UnstoppedService;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * API.md: removeAndWait is "true once stopped; false on timeout", waits in real time, and "cannot
 * deadlock the supervisor or leave a thread behind when the caller gives up" (suture's traps: a
 * deadlock when a remover gives up; a leaked thread per timed-out removal).
 */
class RemoveAndWaitTest extends HungChildFixture {
    @Test
    void trueOnceTheChildHasStopped() throws Exception {
        ServiceRef ref = sup.add("worker", ctx -> ctx.awaitStop());
        sup.start();
        log.next(ServiceStarted.class);

        assertThat(sup.removeAndWait(ref, Bound.BOUND)).isTrue();

        assertThat(sup.children()).isEmpty();
        log.next(ServiceStopped.class);
    }

    @Test
    void trueForAChildThatHasNoRun() throws Exception {
        ServiceRef ref = sup.add("waiting", ctx -> ctx.awaitStop());
        assertThat(sup.removeAndWait(ref, Duration.ZERO)).isTrue();
        assertThat(sup.children()).isEmpty();
    }

    @Test
    void falseForARefThatIsNoLongerAChild() throws Exception {
        ServiceRef ref = sup.add("worker", ctx -> ctx.awaitStop());
        sup.remove(ref);
        assertThat(sup.removeAndWait(ref, Duration.ofMillis(10))).isFalse();
    }

    @Test
    void falseWhenTheTimeoutElapsesAndTheRemovalGoesOnOnTheSupervisorsClock() throws Exception {
        ServiceRef ref = sup.add("hung", hung);
        sup.start();
        hung.awaitStarted();

        long before = System.nanoTime();
        assertThat(sup.removeAndWait(ref, Duration.ofMillis(50))).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - before)).isGreaterThanOrEqualTo(Duration.ofMillis(50));

        assertThat(sup.children()).extracting(ChildInfo::state).containsExactly(ChildState.STOPPING);
        Bound.pendingTasks(clock, 1);
        clock.advance(Duration.ofSeconds(5));
        assertThat(log.await(ServiceStopTimeout.class).service()).isEqualTo("hung");
        assertThat(sup.children()).isEmpty();
    }

    @Test
    void zeroTimeoutAnswersAtOnce() throws Exception {
        ServiceRef ref = sup.add("hung", hung);
        sup.start();
        hung.awaitStarted();
        assertThat(assertTimeoutPreemptively(Bound.BOUND, () -> sup.removeAndWait(ref, Duration.ZERO))).isFalse();
    }

    @Test
    void afterGivingUpTheSupervisorIsNotWedgedAndALaterStopIsCleanOnceTheRunEnds() throws Exception {
        ServiceRef ref = sup.add("hung", hung);
        sup.add("other", ctx -> ctx.awaitStop());
        sup.start();
        hung.awaitStarted();
        log.next(ServiceStarted.class);
        log.next(ServiceStarted.class);

        assertThat(sup.removeAndWait(ref, Duration.ofMillis(20))).isFalse();

        // Still fully responsive: adds, removes, snapshots.
        ServiceRef added = sup.add("added", ctx -> ctx.awaitStop());
        assertThat(log.next(ServiceStarted.class).service()).isEqualTo("added");
        assertThat(sup.removeAndWait(added, Bound.BOUND)).isTrue();

        hung.release();
        hung.awaitEnded();
        Bound.until("hung removed", () -> sup.children().stream().noneMatch(c -> c.name().equals("hung")));
        assertThat(clock.pendingTasks()).as("no timer left behind").isZero();

        StopReport report = assertTimeoutPreemptively(Bound.BOUND, sup::stop);   // no clock advance needed
        assertThat(report.clean()).isTrue();
    }

    @Test
    void afterGivingUpALaterStopIsBoundedAndReportsTheHungRun() throws Exception {
        ServiceRef ref = sup.add("hung", hung);
        sup.start();
        hung.awaitStarted();
        assertThat(sup.removeAndWait(ref, Duration.ofMillis(20))).isFalse();
        Bound.pendingTasks(clock, 1);
        clock.advance(Duration.ofSeconds(5));
        log.await(ServiceStopTimeout.class);

        StopReport report = assertTimeoutPreemptively(Bound.BOUND, sup::stop);

        assertThat(report.unstopped()).containsExactly(new UnstoppedService(List.of("sup"), "hung"));
    }

    @Test
    void manyRemoversGivingUpAtOnceNeitherDeadlockNorWedgeTheSupervisor() throws Exception {
        ServiceRef ref = sup.add("hung", hung);
        sup.start();
        hung.awaitStarted();

        List<CompletableFuture<Boolean>> removers = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            CompletableFuture<Boolean> result = new CompletableFuture<>();
            removers.add(result);
            Thread.ofVirtual().start(() -> {
                try {
                    result.complete(sup.removeAndWait(ref, Duration.ofMillis(30)));
                } catch (Throwable t) {
                    result.completeExceptionally(t);
                }
            });
        }
        for (CompletableFuture<Boolean> remover : removers) {
            assertThat(Bound.get(remover)).isFalse();
        }

        assertThat(clock.pendingTasks()).as("one removal, one shutdown timer").isEqualTo(1);
        CompletableFuture<StopReport> stop = Bound.stopAsync(sup);
        Bound.until("stopping", () -> sup.state() == dev.arbor.SupervisorState.STOPPING);
        clock.advance(Duration.ofSeconds(5));
        assertThat(Bound.get(stop).unstopped()).containsExactly(new UnstoppedService(List.of("sup"), "hung"));
    }

    @Test
    void anInterruptedRemoverThrowsAndTheRemovalGoesOn() throws Exception {
        ServiceRef ref = sup.add("hung", hung);
        sup.start();
        hung.awaitStarted();
        CompletableFuture<Throwable> thrown = new CompletableFuture<>();
        Thread remover = Thread.ofPlatform().start(() -> {
            try {
                sup.removeAndWait(ref, Duration.ofDays(1));
                thrown.complete(null);
            } catch (Throwable t) {
                thrown.complete(t);
            }
        });
        Bound.until("remover parked", () -> remover.getState() == Thread.State.TIMED_WAITING);

        remover.interrupt();

        assertThat(Bound.get(thrown)).isInstanceOf(InterruptedException.class);
        assertThat(sup.children()).extracting(ChildInfo::state).containsExactly(ChildState.STOPPING);
        hung.release();
        assertThat(log.await(ServiceStopped.class).service()).isEqualTo("hung");
        assertThat(sup.stop().clean()).isTrue();
    }
}
