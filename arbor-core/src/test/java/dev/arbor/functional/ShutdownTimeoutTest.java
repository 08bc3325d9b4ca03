package dev.arbor.functional;

import dev.arbor.ChildInfo;
import dev.arbor.ChildSpec;
import dev.arbor.ChildState;
import dev.arbor.StopOrder;
import dev.arbor.StopReport;
import dev.arbor.Supervisor;
import dev.arbor.SupervisorEvent.ServiceStarted;
import dev.arbor.SupervisorEvent.ServiceStopTimeout;
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
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * API.md: stop() "waits for each up to its shutdown timeout ... It never waits forever and never
 * throws because a child hangs"; "a zero shutdown timeout reports a child that has not already
 * ended as unstopped at once".
 */
class ShutdownTimeoutTest {
    private final ManualClock clock = new ManualClock();
    private final EventLog log = new EventLog();
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

    private ChildState stateOf(Supervisor sup, String name) {
        return sup.children().stream().filter(c -> c.name().equals(name)).findFirst().map(ChildInfo::state).orElseThrow();
    }

    @Test
    void eachHungChildIsGivenUpAfterExactlyItsOwnTimeoutOrTheSupervisorDefault() throws Exception {
        Supervisor sup = Supervisor.builder("sup").clock(clock).onEvent(log).stopOrder(StopOrder.PARALLEL)
                .shutdownTimeout(Duration.ofSeconds(10)).build();
        Hung quick = hung();
        Hung slow = hung();
        sup.add(ChildSpec.of("quick", quick).withShutdownTimeout(Duration.ofSeconds(2)));
        sup.add("slow", slow);
        sup.start();
        quick.awaitStarted();
        slow.awaitStarted();

        CompletableFuture<StopReport> stop = Bound.stopAsync(sup);
        Bound.pendingTasks(clock, 2);

        clock.advance(Duration.ofSeconds(2).minusNanos(1));
        assertThat(stateOf(sup, "quick")).isEqualTo(ChildState.STOPPING);

        clock.advance(Duration.ofNanos(1));
        assertThat(stateOf(sup, "quick")).as("quick given up at 2 s").isNotEqualTo(ChildState.STOPPING);
        assertThat(stateOf(sup, "slow")).isEqualTo(ChildState.STOPPING);

        clock.advance(Duration.ofSeconds(8).minusNanos(1));
        assertThat(stateOf(sup, "slow")).isEqualTo(ChildState.STOPPING);
        assertThat(stop).isNotDone();

        clock.advance(Duration.ofNanos(1));

        StopReport report = Bound.get(stop);
        assertThat(report.unstopped()).containsExactly(
                new UnstoppedService(List.of("sup"), "quick"), new UnstoppedService(List.of("sup"), "slow"));
        log.next(ServiceStarted.class);
        log.next(ServiceStarted.class);
        assertThat(log.next(ServiceStopTimeout.class).service()).isEqualTo("quick");
        assertThat(log.next(ServiceStopTimeout.class).service()).isEqualTo("slow");
    }

    @Test
    void zeroShutdownTimeoutReportsAHungChildAtOnceWithoutAnyTimer() throws Exception {
        Supervisor sup = Supervisor.builder("sup").clock(clock).onEvent(log).build();
        Hung h = hung();
        sup.add(ChildSpec.of("hung", h).withShutdownTimeout(Duration.ZERO));
        sup.start();
        h.awaitStarted();

        StopReport report = assertTimeoutPreemptively(Bound.BOUND, sup::stop);   // no clock advance

        assertThat(report.unstopped()).containsExactly(new UnstoppedService(List.of("sup"), "hung"));
        assertThat(clock.pendingTasks()).isZero();
        log.await(ServiceStopTimeout.class);
    }

    @Test
    void zeroSupervisorDefaultDoesNotWaitEvenForAChildThatWouldStopPromptly() throws Exception {
        Supervisor sup = Supervisor.builder("sup").clock(clock).onEvent(log).shutdownTimeout(Duration.ZERO).build();
        Hung h = hung();
        sup.add("hung", h);
        sup.add(ChildSpec.of("patient", ctx -> ctx.awaitStop()).withShutdownTimeout(Duration.ofSeconds(1)));
        sup.start();
        h.awaitStarted();
        log.next(ServiceStarted.class);
        log.next(ServiceStarted.class);

        CompletableFuture<StopReport> stop = Bound.stopAsync(sup);

        // REVERSE: "patient" (its own 1 s timeout) is asked first and stops; "hung" (zero) is given up at once.
        assertThat(Bound.get(stop).unstopped()).containsExactly(new UnstoppedService(List.of("sup"), "hung"));
        assertThat(log.next(ServiceStopped.class).service()).isEqualTo("patient");
        assertThat(log.next(ServiceStopTimeout.class).service()).isEqualTo("hung");
    }

    @Test
    void aChildIgnoringInterruptsNeverHoldsStopBeyondItsTimeoutOnTheSystemClock() throws Exception {
        Supervisor sup = Supervisor.builder("sup").onEvent(log).shutdownTimeout(Duration.ofMillis(50)).build();
        Hung h = hung();
        sup.add("hung", h);
        sup.start();
        h.awaitStarted();

        long before = System.nanoTime();
        StopReport report = assertTimeoutPreemptively(Bound.BOUND, sup::stop);

        assertThat(Duration.ofNanos(System.nanoTime() - before)).isGreaterThanOrEqualTo(Duration.ofMillis(50));
        assertThat(report.unstopped()).containsExactly(new UnstoppedService(List.of("sup"), "hung"));
        assertThat(h.ended.getCount()).as("the hung run is left running, not killed").isEqualTo(1);
    }

    /**
     * Issue 2's trap: virtual threads are not preempted, so children spinning on every carrier
     * must not keep the shutdown timeout from firing.
     */
    @Test
    void childrenSpinningOnEveryCarrierDoNotDelayTheirShutdownTimeout() throws Exception {
        int carriers = Integer.getInteger("jdk.virtualThreadScheduler.parallelism",
                Runtime.getRuntime().availableProcessors());
        Supervisor sup = Supervisor.builder("spinners").onEvent(e -> { }).stopOrder(StopOrder.PARALLEL)
                .shutdownTimeout(Duration.ofMillis(100)).build();
        AtomicInteger spinning = new AtomicInteger();
        var release = new java.util.concurrent.atomic.AtomicBoolean();
        for (int i = 0; i < carriers; i++) {
            sup.add("spin-" + i, ctx -> {
                spinning.incrementAndGet();
                while (!release.get()) {
                    Thread.onSpinWait();      // never blocks, never yields, ignores interrupts
                }
            });
        }
        try {
            sup.start();
            Bound.until("every carrier busy", () -> spinning.get() == carriers);

            StopReport report = assertTimeoutPreemptively(Bound.BOUND, sup::stop);

            assertThat(report.unstopped()).hasSize(carriers);
        } finally {
            release.set(true);
        }
    }
}
