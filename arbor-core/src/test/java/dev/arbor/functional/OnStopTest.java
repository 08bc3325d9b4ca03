package dev.arbor.functional;

import dev.arbor.ChildSpec;
import dev.arbor.ServiceRef;
import dev.arbor.StopReport;
import dev.arbor.Supervisor;
import dev.arbor.SupervisorEvent.ServiceStarted;
import dev.arbor.UnstoppedService;
import dev.arbor.support.EventLog;
import dev.arbor.testing.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * API.md: onStop "runs once when a stop is requested"; "an onStop action that throws or blocks
 * never breaks or stalls the supervisor (its time counts against the child's shutdown timeout)".
 */
class OnStopTest {
    private final ManualClock clock = new ManualClock();
    private final EventLog log = new EventLog();
    private final Supervisor sup = Supervisor.builder("sup").clock(clock).onEvent(log)
            .shutdownTimeout(Duration.ofSeconds(5)).build();
    private final BlockingQueue<String> ran = new LinkedBlockingQueue<>();
    private final CountDownLatch unblock = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void cleanUp() throws InterruptedException {
        unblock.countDown();
        release.countDown();
        sup.stop();
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        boolean interrupted = false;
        while (true) {
            try {
                latch.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void actionsRunInRegistrationOrderSeeingIsStoppingTrue() throws Exception {
        CountDownLatch actionsDone = new CountDownLatch(1);
        CountDownLatch registered = new CountDownLatch(1);
        sup.add("worker", ctx -> {
            ctx.onStop(() -> ran.add("first, stopping=" + ctx.isStopping()));
            ctx.onStop(() -> ran.add("second"));
            ctx.onStop(actionsDone::countDown);
            registered.countDown();
            ctx.awaitStop();
            awaitUninterruptibly(actionsDone);
        });
        sup.start();
        log.next(ServiceStarted.class);
        // ServiceStarted may arrive before the run's thread has registered its actions; the order
        // promised is that of actions registered before the stop request.
        assertThat(registered.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(ran).isEmpty();

        assertThat(sup.stop().clean()).isTrue();

        assertThat(List.of(Bound.take(ran), Bound.take(ran))).containsExactly("first, stopping=true", "second");
    }

    @Test
    void aRemovedChildIsNotAskedAgainWhenTheSupervisorStops() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        AtomicInteger laterInterrupts = new AtomicInteger(-1);
        CountDownLatch actionRan = new CountDownLatch(1);
        CountDownLatch removeReturned = new CountDownLatch(1);
        ServiceRef ref = sup.add("worker", ctx -> {
            ctx.onStop(() -> {
                calls.incrementAndGet();
                actionRan.countDown();
            });
            ctx.awaitStop();
            awaitUninterruptibly(removeReturned);   // the removal's interrupt has surely arrived
            Thread.interrupted();
            int interrupts = 0;
            while (true) {                          // still running when the supervisor stops
                try {
                    release.await();
                    break;
                } catch (InterruptedException e) {
                    interrupts++;
                }
            }
            laterInterrupts.set(interrupts + (Thread.interrupted() ? 1 : 0));
        });
        sup.start();
        log.next(ServiceStarted.class);

        assertThat(sup.remove(ref)).isTrue();
        removeReturned.countDown();
        Hung.await(actionRan, "action ran");
        CompletableFuture<StopReport> stop = Bound.stopAsync(sup);
        Bound.until("supervisor stopping", () -> sup.state() == dev.arbor.SupervisorState.STOPPING);
        release.countDown();

        assertThat(Bound.get(stop).clean()).isTrue();
        assertThat(laterInterrupts).as("interrupts after the first stop request").hasValue(0);
        assertThat(calls).hasValue(1);
    }

    @Test
    void anActionRegisteredAfterTheStopRequestRunsAtOnceInTheCallingThread() throws Exception {
        sup.add("worker", ctx -> {
            ctx.awaitStop();
            Thread caller = Thread.currentThread();
            ctx.onStop(() -> ran.add("late action on the caller's thread: " + (Thread.currentThread() == caller)));
            ran.add("after onStop");
        });
        sup.start();
        log.next(ServiceStarted.class);

        assertThat(sup.stop().clean()).isTrue();

        assertThat(List.of(Bound.take(ran), Bound.take(ran)))
                .containsExactly("late action on the caller's thread: true", "after onStop");
    }

    @Test
    void aThrowingActionDoesNotBreakTheStopNorSkipTheNextAction() throws Exception {
        CountDownLatch secondRan = new CountDownLatch(1);
        sup.add("worker", ctx -> {
            ctx.onStop(() -> {
                throw new IllegalStateException("onStop failed");
            });
            ctx.onStop(secondRan::countDown);
            ctx.awaitStop();
            awaitUninterruptibly(secondRan);
        });
        sup.start();
        log.next(ServiceStarted.class);

        StopReport report = assertTimeoutPreemptively(Bound.BOUND, sup::stop);   // no clock advance

        assertThat(report.clean()).isTrue();
        assertThat(secondRan.getCount()).isZero();
    }

    @Test
    void aBlockingActionDoesNotStallTheStop() throws Exception {
        CountDownLatch actionBlocking = new CountDownLatch(1);
        sup.add("worker", ctx -> {
            ctx.onStop(() -> {
                actionBlocking.countDown();
                awaitUninterruptibly(unblock);    // blocks until the test ends
            });
            ctx.awaitStop();                       // the service itself ends at once
        });
        sup.add("other", ctx -> ctx.awaitStop());
        sup.start();
        log.next(ServiceStarted.class);
        log.next(ServiceStarted.class);

        StopReport report = assertTimeoutPreemptively(Bound.BOUND, sup::stop);   // no clock advance

        assertThat(report.clean()).isTrue();
        Hung.await(actionBlocking, "action started");
        assertThat(unblock.getCount()).as("the action is still blocked").isEqualTo(1);
    }

    @Test
    void aBlockingActionTheServiceWaitsForCountsAgainstItsShutdownTimeout() throws Exception {
        CountDownLatch actionDone = new CountDownLatch(1);
        sup.add(ChildSpec.of("worker", ctx -> {
            ctx.onStop(() -> {
                awaitUninterruptibly(unblock);
                actionDone.countDown();
            });
            ctx.awaitStop();
            awaitUninterruptibly(actionDone);
        }).withShutdownTimeout(Duration.ofSeconds(2)));
        sup.start();
        log.next(ServiceStarted.class);

        CompletableFuture<StopReport> stop = Bound.stopAsync(sup);
        Bound.pendingTasks(clock, 1);
        clock.advance(Duration.ofSeconds(2));

        assertThat(Bound.get(stop).unstopped()).containsExactly(new UnstoppedService(List.of("sup"), "worker"));
    }
}
