package dev.arbor;

import dev.arbor.SupervisorEvent.*;
import dev.arbor.support.EventLog;
import dev.arbor.testing.ManualClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class SmokeTest {
    @Test
    void failingChildIsRestartedAndStopIsClean() throws Exception {
        EventLog log = new EventLog();
        ManualClock clock = new ManualClock();
        Supervisor sup = Supervisor.builder("root").clock(clock).onEvent(log).build();
        AtomicInteger runs = new AtomicInteger();
        sup.add("worker", ctx -> {
            if (runs.incrementAndGet() < 3) throw new IllegalStateException("boom " + ctx.restarts());
            ctx.awaitStop();
        });
        sup.start();
        assertThat(log.next(ServiceStarted.class).restarts()).isZero();
        ServiceFailed f1 = log.next(ServiceFailed.class);
        assertThat(f1.failures()).isEqualTo(1.0);
        assertThat(f1.restarting()).isTrue();
        assertThat(log.next(ServiceStarted.class).restarts()).isEqualTo(1);
        assertThat(log.next(ServiceFailed.class).failures()).isEqualTo(2.0);
        assertThat(log.next(ServiceStarted.class).restarts()).isEqualTo(2);
        StopReport report = sup.stop();
        assertThat(report.clean()).isTrue();
        log.next(ServiceStopped.class);
        log.next(SupervisorTerminated.class);
        assertThat(sup.state()).isEqualTo(SupervisorState.TERMINATED);
    }

    @Test
    void nestedTreeStopsAndTerminationPropagates() throws Exception {
        EventLog log = new EventLog();
        ManualClock clock = new ManualClock();
        Supervisor root = Supervisor.builder("root").clock(clock).onEvent(log).build();
        Supervisor mid = Supervisor.builder("mid").clock(clock).build();
        root.add("mid", mid);
        mid.add("leaf", ctx -> { throw new TerminateTreeException("bye"); });
        Thread t = Thread.ofVirtual().start(() -> {});
        try {
            root.run();
            throw new AssertionError("run() should have thrown");
        } catch (TerminateTreeException e) {
            assertThat(e).hasMessage("bye");
        }
        assertThat(mid.state()).isEqualTo(SupervisorState.TERMINATED);
        assertThat(root.terminationCause()).isPresent();
        t.join();
    }

    @Test
    void hungChildIsReportedAfterTimeout() throws Exception {
        EventLog log = new EventLog();
        ManualClock clock = new ManualClock();
        Supervisor sup = Supervisor.builder("root").clock(clock).onEvent(log)
                .shutdownTimeout(Duration.ofSeconds(5)).build();
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        sup.add("stubborn", ctx -> {
            while (true) {
                try { release.await(); return; } catch (InterruptedException ignored) { }
            }
        });
        sup.start();
        log.next(ServiceStarted.class);
        var result = new java.util.concurrent.CompletableFuture<StopReport>();
        Thread.ofPlatform().start(() -> { try { result.complete(sup.stop()); } catch (Throwable e) { result.completeExceptionally(e);} });
        while (clock.pendingTasks() == 0) Thread.onSpinWait();
        clock.advance(Duration.ofSeconds(5));
        StopReport report = result.get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(report.unstopped()).containsExactly(new UnstoppedService(java.util.List.of("root"), "stubborn"));
        log.await(ServiceStopTimeout.class);
        release.countDown();
    }
}
