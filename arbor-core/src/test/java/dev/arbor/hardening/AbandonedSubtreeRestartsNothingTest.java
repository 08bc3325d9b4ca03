package dev.arbor.hardening;

import dev.arbor.ChildSpec;
import dev.arbor.StopReport;
import dev.arbor.Supervisor;
import dev.arbor.SupervisorEvent.ServiceFailed;
import dev.arbor.SupervisorEvent.ServiceStarted;
import dev.arbor.SupervisorEvent.ServiceStopped;
import dev.arbor.SupervisorEvent.SupervisorTerminated;
import dev.arbor.SupervisorState;
import dev.arbor.UnstoppedService;
import dev.arbor.support.EventLog;
import dev.arbor.testing.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Found by the soak (seeds 5000039, 5000056): once a parent gives up waiting for a child
 * supervisor (its shutdown timeout), nobody waits for that subtree any more, yet it went on
 * stopping in its own order while the supervisors below it that had not been asked yet kept
 * restarting their children. So after the root's stop() had returned its report, new service runs
 * (threads) kept starting below, unnamed by any report the root gave. An abandoned subtree now
 * stops everything at once and restarts nothing (like OTP's kill after a shutdown timeout).
 */
class AbandonedSubtreeRestartsNothingTest {
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void releaseHungThreads() {
        release.countDown();
    }

    @Test
    void afterTheRootStoppedNothingBelowAnAbandonedSupervisorRestarts() throws Exception {
        ManualClock clock = new ManualClock();
        EventLog log = new EventLog();
        Supervisor root = Supervisor.builder("root").clock(clock).onEvent(log).build();
        Supervisor mid = Supervisor.builder("mid").clock(clock).shutdownTimeout(Duration.ofSeconds(10)).build();
        Supervisor low = Supervisor.builder("low").clock(clock).build();
        mid.add("low", low);                 // added first: mid's REVERSE stop asks it last
        mid.add("hung", ctx -> {
            while (true) {
                try {
                    release.await();
                    return;
                } catch (InterruptedException ignored) {
                    // ignores its stop request
                }
            }
        });
        CountDownLatch fail = new CountDownLatch(1);
        low.add("flappy", ctx -> {
            if (ctx.restarts() == 0) {
                try {
                    fail.await();
                } catch (InterruptedException stopped) {
                    return;
                }
                throw new IllegalStateException("fails after the root stopped");
            }
            ctx.awaitStop();
        });
        root.add(ChildSpec.of("mid", mid).withShutdownTimeout(Duration.ofSeconds(1)));
        root.start();
        log.await(ServiceStarted.class, e -> e.service().equals("flappy"));

        CompletableFuture<StopReport> stopping = CompletableFuture.supplyAsync(() -> {
            try {
                return root.stop();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        // root asks mid (deadline 1 s); mid asks hung first (deadline 10 s); low is not asked yet.
        while (clock.pendingTasks() < 2) {
            Thread.onSpinWait();
        }
        clock.advance(Duration.ofSeconds(1));           // root gives up on mid
        StopReport report = stopping.get(EventLog.BOUND.toSeconds(), TimeUnit.SECONDS);
        assertThat(root.state()).isEqualTo(SupervisorState.TERMINATED);

        fail.countDown();                                // if flappy still runs, it fails now
        assertThat(low.awaitTermination(EventLog.BOUND)).as("low stops once mid is abandoned").isTrue();
        // Supervisors sharing a listener each keep their own order, not one order between them:
        // wait for low's last event rather than for the events in between.
        long deadline = System.nanoTime() + EventLog.BOUND.toNanos();
        while (!log.all().contains(new SupervisorTerminated("low", null)) && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(log.all()).as("no run starts below an abandoned supervisor")
                .noneMatch(e -> e instanceof ServiceStarted s && s.service().equals("flappy") && s.restarts() > 0);
        assertThat(log.all()).as("flappy was asked to stop when mid was abandoned")
                .contains(new ServiceStopped("low", "flappy"))
                .noneMatch(e -> e instanceof ServiceFailed f && f.service().equals("flappy"));
        assertThat(report.unstopped()).contains(new UnstoppedService(List.of("root", "mid"), "hung"));
        assertThat(low.state()).isEqualTo(SupervisorState.TERMINATED);
    }
}
