package dev.arbor.hardening;

import dev.arbor.ChildInfo;
import dev.arbor.ChildState;
import dev.arbor.Jitter;
import dev.arbor.StopReport;
import dev.arbor.Supervisor;
import dev.arbor.SupervisorEvent;
import dev.arbor.SupervisorEvent.BackoffEnded;
import dev.arbor.SupervisorEvent.BackoffStarted;
import dev.arbor.SupervisorEvent.ServiceFailed;
import dev.arbor.SupervisorEvent.ServiceStarted;
import dev.arbor.SupervisorEvent.ServiceStopTimeout;
import dev.arbor.SupervisorEvent.ServiceStopped;
import dev.arbor.SupervisorEvent.SupervisorTerminated;
import dev.arbor.SupervisorState;
import dev.arbor.UnstoppedService;
import dev.arbor.hardening.Faults.FaultyClock;
import dev.arbor.support.EventLog;
import dev.arbor.support.Eventually;
import dev.arbor.support.Puppet;
import dev.arbor.support.Stopper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 8, the audit of the user code a supervisor calls under its lock: the jitter and the clock
 * (its {@code schedule}, {@code nanoTime} and the handles' {@code cancel}). Each misbehaviour is
 * either absorbed (the documented fallback) or becomes a termination of the supervisor with that
 * cause; never a lost event, a stuck child or a stalled stop (docs/RELIABILITY.md, section 6).
 *
 * <p>Deterministic: time is a {@link FaultyClock} (a ManualClock underneath) that moves only when
 * told; a stop that returns without the clock moving proves it did not wait for a timeout. Every
 * real-time wait is an upper bound.
 */
class UserCallbackFaultTest {
    private static final Duration BACKOFF = Duration.ofSeconds(15);
    private static final long BOUND_S = EventLog.BOUND.toSeconds();

    private final FaultyClock clock = new FaultyClock();
    private final EventLog log = new EventLog();
    private final Puppet failer = new Puppet();
    private Supervisor root;

    @AfterEach
    void stopRoot() throws Exception {
        Stopper.stop(root);
    }

    /** threshold 0 (every failure backs off), a 15 s backoff without jitter, the faulty clock. */
    private Supervisor.Builder builder() {
        return Supervisor.builder("root").clock(clock).onEvent(log).failureThreshold(0).failureBackoff(BACKOFF)
                .backoffJitter(Jitter.none()).shutdownTimeout(Duration.ofSeconds(3));
    }

    /** Adds "failer" (a puppet) and "worker" (awaits its stop), starts, and waits for both starts. */
    private void startFailerAndWorker(Supervisor.Builder b) {
        root = b.build();
        root.add("failer", failer);
        root.add("worker", ctx -> ctx.awaitStop());
        root.start();
        awaitStarts();
    }

    private CompletableFuture<Throwable> runFailerAndWorker(Supervisor.Builder b) {
        root = b.build();
        root.add("failer", failer);
        root.add("worker", ctx -> ctx.awaitStop());
        CompletableFuture<Throwable> run = runInBackground(root);
        awaitStarts();
        return run;
    }

    private void awaitStarts() {
        assertThat(log.next(ServiceStarted.class).service()).isEqualTo("failer");
        assertThat(log.next(ServiceStarted.class).service()).isEqualTo("worker");
    }

    // ------------------------------------------------------------------ the jitter

    /** The issue's scenario, as filed: the system clock, a jitter that throws an AssertionError. */
    @Test
    void issue8AJitterThatThrowsAnAssertionErrorNoLongerWedgesTheSupervisor() throws Exception {
        root = Supervisor.builder("root").failureThreshold(0)
                .backoffJitter(base -> {
                    throw new AssertionError("jitter bug");
                })
                .shutdownTimeout(Duration.ofSeconds(3)).onEvent(log).build();
        root.add("failer", failer);
        root.add("worker", ctx -> ctx.awaitStop());
        root.start();
        awaitStarts();
        failer.fail();

        Duration base = Duration.ofSeconds(15);         // the default failureBackoff
        assertThat(log.next(BackoffStarted.class).delay()).isEqualTo(base);
        ServiceFailed failed = log.next(ServiceFailed.class);
        assertThat(failed.service()).isEqualTo("failer");
        assertThat(failed.restarting()).isFalse();
        assertThat(stateOf("failer")).isEqualTo(ChildState.BACKOFF);

        long t0 = System.nanoTime();
        StopReport report = stopWithin(root);
        // The bug made stop() wait the whole 3 s shutdown timeout for the worker; it stops at once.
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(3));
        assertThat(report.clean()).isTrue();
        assertThat(log.next(ServiceStopped.class).service()).isEqualTo("worker");
        assertThat(log.next(SupervisorTerminated.class).cause()).isNull();
    }

    static Stream<Arguments> jittersThatFallBackToTheBase() {
        return Stream.of(
                Arguments.of("throws a RuntimeException", (Jitter) base -> {
                    throw new IllegalStateException("jitter bug");
                }),
                Arguments.of("throws an AssertionError", (Jitter) base -> {
                    throw new AssertionError("jitter bug");
                }),
                Arguments.of("throws a StackOverflowError", (Jitter) base -> {
                    throw new StackOverflowError("jitter bug");
                }),
                Arguments.of("throws a LinkageError", (Jitter) base -> {
                    throw new LinkageError("jitter bug");
                }),
                Arguments.of("returns null", (Jitter) base -> null),
                Arguments.of("returns a negative delay", (Jitter) base -> Duration.ofNanos(-1)));
    }

    /** Same as the issue, on the ManualClock: the stop returns without the clock moving at all. */
    @ParameterizedTest(name = "a jitter that {0}")
    @MethodSource("jittersThatFallBackToTheBase")
    void aJitterThatMisbehavesFallsBackToTheBaseAndNothingWedges(String what, Jitter jitter) throws Exception {
        startFailerAndWorker(builder().backoffJitter(jitter));
        failer.fail();
        assertThat(log.next(BackoffStarted.class).delay()).isEqualTo(BACKOFF);
        assertThat(log.next(ServiceFailed.class).restarting()).isFalse();
        assertThat(stateOf("failer")).isEqualTo(ChildState.BACKOFF);

        clock.advance(BACKOFF);                         // the backoff ends on time, the failer restarts
        log.next(BackoffEnded.class);
        assertThat(log.next(ServiceStarted.class).restarts()).isEqualTo(1);

        assertThat(stopWithin(root).clean()).isTrue();  // the clock never moved again: no timeout waited for
        assertThat(clock.time.elapsed()).isEqualTo(BACKOFF);
    }

    /** A jitter that calls stop() on its own supervisor gets an IllegalStateException: waiting there would wait for itself. */
    @Test
    void aJitterThatCallsStopOnItsOwnSupervisorIsRefusedAndFallsBackToTheBase() throws Exception {
        Supervisor[] self = new Supervisor[1];
        Throwable[] refused = new Throwable[1];
        Supervisor.Builder b = builder().backoffJitter(base -> {
            try {
                self[0].stop();
            } catch (Throwable t) {
                refused[0] = t;
                throw new IllegalStateException("rethrown", t);
            }
            return base;
        });
        root = b.build();
        self[0] = root;
        root.add("failer", failer);
        root.start();
        log.next(ServiceStarted.class);
        failer.fail();
        assertThat(log.next(BackoffStarted.class).delay()).isEqualTo(BACKOFF);
        assertThat(refused[0]).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("stop()").hasMessageContaining("\"root\"").hasMessageContaining("jitter");
        assertThat(root.state()).isEqualTo(SupervisorState.BACKOFF);
        assertThat(stopWithin(root).clean()).isTrue();
    }

    @Test
    void anEnormousJitteredDelayIsHonouredAndAStopCutsItShort() throws Exception {
        Duration forever = Duration.ofSeconds(Long.MAX_VALUE);
        startFailerAndWorker(builder().backoffJitter(base -> forever));
        failer.fail();
        assertThat(log.next(BackoffStarted.class).delay()).isEqualTo(forever);
        log.next(ServiceFailed.class);
        clock.advance(Duration.ofDays(365 * 100));
        assertThat(root.state()).isEqualTo(SupervisorState.BACKOFF);
        Duration remaining = root.health().backoffRemaining().orElseThrow();
        assertThat(remaining).isPositive().isLessThanOrEqualTo(forever);
        assertThat(stopWithin(root).clean()).isTrue();
        assertThat(log.all()).noneMatch(e -> e instanceof BackoffEnded);
    }

    @Test
    void aJitterThatThrowsAFatalErrorTerminatesTheSupervisorWithIt() throws Exception {
        OutOfMemoryError oom = new OutOfMemoryError("injected in the jitter");
        CompletableFuture<Throwable> run = runFailerAndWorker(builder().backoffJitter(base -> {
            throw oom;
        }));
        failer.fail();
        ServiceFailed failed = log.next(ServiceFailed.class);
        assertThat(failed.service()).isEqualTo("failer");
        assertThat(failed.restarting()).isFalse();
        assertThat(log.next(ServiceStopped.class).service()).isEqualTo("worker");
        assertThat(log.next(SupervisorTerminated.class).cause()).isSameAs(oom);
        assertThat(run.get(BOUND_S, TimeUnit.SECONDS)).isSameAs(oom);
        assertThat(log.all()).noneMatch(e -> e instanceof BackoffStarted);
    }

    // ------------------------------------------------------------------ the clock: schedule

    static Stream<Supplier<Throwable>> faults() {
        return Stream.of(Faults.runtime(), Faults.assertion(), Faults.oom());
    }

    /** What a supervisor terminates with when user code it relies on throws {@code thrown}. */
    private static void assertCause(Throwable cause, Throwable thrown, String what) {
        if (thrown instanceof VirtualMachineError) {
            assertThat(cause).isSameAs(thrown);
        } else {
            assertThat(cause).isInstanceOf(IllegalStateException.class).hasCause(thrown)
                    .hasMessageContaining("\"root\"").hasMessageContaining(what);
        }
    }

    @ParameterizedTest(name = "schedule() throws {0}")
    @MethodSource("faults")
    void aClockThatCannotScheduleTheBackoffEndTerminatesTheSupervisor(Supplier<Throwable> fault) throws Exception {
        CompletableFuture<Throwable> run = runFailerAndWorker(builder());
        Throwable thrown = fault.get();
        clock.nextScheduleThrows.set(thrown);
        failer.fail();
        log.next(BackoffStarted.class);
        assertThat(log.next(ServiceFailed.class).restarting()).isFalse();
        assertThat(log.next(ServiceStopped.class).service()).isEqualTo("worker");
        Throwable cause = log.next(SupervisorTerminated.class).cause();
        assertCause(cause, thrown, "schedule()");
        assertThat(run.get(BOUND_S, TimeUnit.SECONDS)).isSameAs(cause);
    }

    @ParameterizedTest(name = "schedule() throws {0}")
    @MethodSource("faults")
    void aClockThatCannotScheduleAShutdownTimeoutAbandonsAtOnceAndStopReturns(Supplier<Throwable> fault) throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        root = builder().build();
        root.add("hung", ctx -> awaitIgnoringInterrupts(release));
        root.start();
        log.next(ServiceStarted.class);
        Throwable thrown = fault.get();
        clock.nextScheduleThrows.set(thrown);
        try {
            StopReport report = stopWithin(root);    // the clock never moves: the stop cannot wait for a timer
            assertThat(report.unstopped()).containsExactly(new UnstoppedService(List.of("root"), "hung"));
            assertThat(log.next(ServiceStopTimeout.class).service()).isEqualTo("hung");
            if (thrown instanceof VirtualMachineError) {
                assertThat(root.terminationCause()).containsSame(thrown);   // a fatal error beats the stop
            } else {
                assertThat(root.terminationCause()).isEmpty();
            }
        } finally {
            release.countDown();
        }
    }

    @Test
    void aClockThatReturnsNoHandleStillEndsBackoffsAndAStaleTimerDoesNothing() throws Exception {
        clock.scheduleReturnsNull = true;
        startFailerAndWorker(builder());
        failer.fail();
        log.next(BackoffStarted.class);
        log.next(ServiceFailed.class);
        clock.advance(BACKOFF);
        log.next(BackoffEnded.class);
        log.next(ServiceStarted.class);

        failer.fail();                                  // a second backoff, cut short by the stop
        log.next(BackoffStarted.class);
        log.next(ServiceFailed.class);
        assertThat(stopWithin(root).clean()).isTrue();
        clock.advance(BACKOFF);                         // its timer could not be cancelled: it fires, finds nothing
        assertThat(log.all()).filteredOn(e -> e instanceof BackoffEnded).hasSize(1);
        assertThat(root.state()).isEqualTo(SupervisorState.TERMINATED);
    }

    /**
     * A clock that runs the task inside schedule(), under the supervisor's lock: before, the
     * backoff ended before it began (BackoffEnded before BackoffStarted) and the child stayed in
     * BACKOFF for good. Now the task runs once the lock is released: as soon as possible.
     */
    @Test
    void aClockThatRunsTasksInsideScheduleEndsTheBackoffRightAfterItBegan() throws Exception {
        clock.scheduleRunsInline = true;
        startFailerAndWorker(builder());
        failer.fail();
        log.next(BackoffStarted.class);
        log.next(ServiceFailed.class);
        log.next(BackoffEnded.class);
        assertThat(log.next(ServiceStarted.class).service()).isEqualTo("failer");
        assertThat(root.children()).extracting(ChildInfo::state).containsOnly(ChildState.RUNNING);
        assertThat(clock.time.elapsed()).isZero();
    }

    @Test
    void aClockThatRunsTasksInsideScheduleTimesShutdownsOutAtOnce() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        clock.scheduleRunsInline = true;
        root = builder().build();
        root.add("hung", ctx -> awaitIgnoringInterrupts(release));
        root.start();
        log.next(ServiceStarted.class);
        try {
            assertThat(stopWithin(root).unstopped()).containsExactly(new UnstoppedService(List.of("root"), "hung"));
            log.next(ServiceStopTimeout.class);
            assertThat(log.next(SupervisorTerminated.class).cause()).isNull();
        } finally {
            release.countDown();
        }
    }

    /**
     * A parent and its child supervisor share a clock whose schedule() runs every due task inline,
     * the other supervisor's too: the child's schedule runs the parent's backoff end under the
     * child's lock (the reverse of the lock order) and its own (a backoff ended before it began).
     * Both wait for the child's lock to be released; both backoffs end, both children restart.
     */
    @Test
    void aClockThatRunsAnotherSupervisorsTaskInsideScheduleDefersItToo() throws Exception {
        Supervisor sub = Supervisor.builder("sub").clock(clock).failureThreshold(0).failureBackoff(Duration.ZERO).build();
        Puppet low = new Puppet();
        sub.add("low", low);
        root = builder().failureBackoff(Duration.ZERO).build();
        root.add("failer", failer);
        root.add("sub", sub);
        root.start();
        log.await(ServiceStarted.class, e -> e.service().equals("low"));
        failer.fail();                                  // root's backoff end: due at once, pending on the clock
        log.await(ServiceFailed.class, e -> e.service().equals("failer"));
        clock.scheduleRunsInline = true;
        low.fail();                                     // sub's schedule runs sub's task and root's, inline
        Eventually.until(() -> "both backoffs end and both children restart: " + log.all(), () -> {
            List<SupervisorEvent> all = log.all();
            return all.contains(new BackoffEnded("root")) && all.contains(new BackoffEnded("sub"))
                    && all.contains(new ServiceStarted("root", "failer", 1)) && all.contains(new ServiceStarted("sub", "low", 1));
        });
        List<SupervisorEvent> all = log.all();
        assertThat(all.indexOf(new BackoffStarted("sub", Duration.ZERO)))
                .as("sub's backoff ends after it began: %s", all).isLessThan(all.indexOf(new BackoffEnded("sub")));
        assertThat(clock.time.elapsed()).isZero();
        clock.scheduleRunsInline = false;
        assertThat(stopWithin(root).clean()).isTrue();
    }

    // ------------------------------------------------------------------ the clock: cancel

    @Test
    void aCancelThatThrowsIsLoggedAndTheTimerThatFiresAnywayFindsNothingToDo() throws Exception {
        startFailerAndWorker(builder());
        failer.fail();
        log.next(BackoffStarted.class);
        log.next(ServiceFailed.class);
        clock.nextCancelThrows.set(new AssertionError("cancel bug"));
        assertThat(stopWithin(root).clean()).isTrue();   // the stop cuts the backoff short: cancel throws
        clock.advance(BACKOFF);
        assertThat(log.all()).noneMatch(e -> e instanceof BackoffEnded);
        assertThat(log.all()).filteredOn(e -> e instanceof ServiceStarted).hasSize(2);
    }

    @Test
    void aCancelThatThrowsAFatalErrorTerminatesTheSupervisorWithIt() throws Exception {
        CompletableFuture<Throwable> run = runFailerAndWorker(builder());
        failer.fail();
        log.next(BackoffStarted.class);
        log.next(ServiceFailed.class);
        OutOfMemoryError oom = new OutOfMemoryError("injected in cancel()");
        clock.nextCancelThrows.set(oom);
        clock.advance(BACKOFF);                         // the backoff's end cancels its timer: cancel throws
        log.next(BackoffEnded.class);
        log.next(ServiceStarted.class);
        assertThat(log.await(SupervisorTerminated.class).cause()).isSameAs(oom);
        assertThat(run.get(BOUND_S, TimeUnit.SECONDS)).isSameAs(oom);
    }

    // ------------------------------------------------------------------ the clock: nanoTime

    @ParameterizedTest(name = "nanoTime() throws {0}")
    @MethodSource("faults")
    void aClockThatCannotBeReadForAFailureTerminatesTheSupervisor(Supplier<Throwable> fault) throws Exception {
        CompletableFuture<Throwable> run = runFailerAndWorker(builder().failureThreshold(5));
        Throwable thrown = fault.get();
        clock.nextNanoTimeThrows.set(thrown);
        failer.fail();
        ServiceFailed failed = log.next(ServiceFailed.class);
        assertThat(failed.failures()).as("counted at the last good reading").isEqualTo(1.0);
        SupervisorEvent next = log.await(SupervisorTerminated.class);
        assertCause(((SupervisorTerminated) next).cause(), thrown, "nanoTime()");
        assertThat(run.get(BOUND_S, TimeUnit.SECONDS)).isSameAs(((SupervisorTerminated) next).cause());
    }

    @Test
    void aClockThatGoesBackwardsCountsNoTimeElapsed() throws Exception {
        startFailerAndWorker(builder().failureThreshold(1).failureDecay(Duration.ofSeconds(1)));
        clock.advance(Duration.ofSeconds(10));
        failer.fail();
        assertThat(log.next(ServiceFailed.class).failures()).isEqualTo(1.0);
        log.next(ServiceStarted.class);
        clock.offsetNanos = -Duration.ofSeconds(10).toNanos();   // reads 0 s after 10 s
        failer.fail();
        log.next(BackoffStarted.class);
        assertThat(log.next(ServiceFailed.class).failures()).as("no decay, no growth").isEqualTo(2.0);
        clock.offsetNanos = -Duration.ofSeconds(20).toNanos();   // before the backoff began
        assertThat(root.health().backoffRemaining()).contains(BACKOFF);
        clock.offsetNanos = 0;
        clock.advance(BACKOFF);                                  // timers run on the clock's own schedule
        log.next(BackoffEnded.class);
        log.next(ServiceStarted.class);
    }

    // ------------------------------------------------------------------ helpers

    private ChildState stateOf(String child) {
        return root.children().stream().filter(c -> c.name().equals(child)).findFirst().orElseThrow().state();
    }

    static StopReport stopWithin(Supervisor s) throws Exception {
        CompletableFuture<StopReport> stopped = new CompletableFuture<>();
        Thread.ofPlatform().name("stop-" + s.name()).start(() -> {
            try {
                stopped.complete(s.stop());
            } catch (Throwable t) {
                stopped.completeExceptionally(t);
            }
        });
        return stopped.get(BOUND_S, TimeUnit.SECONDS);
    }

    static CompletableFuture<Throwable> runInBackground(Supervisor s) {
        CompletableFuture<Throwable> result = new CompletableFuture<>();
        Thread.ofPlatform().name("run-" + s.name()).start(() -> {
            try {
                s.run();
                result.complete(null);
            } catch (Throwable t) {
                result.complete(t);
            }
        });
        return result;
    }

    static void awaitIgnoringInterrupts(CountDownLatch latch) {
        while (true) {
            try {
                latch.await();
                return;
            } catch (InterruptedException ignored) {
                // a hung child: it ignores its stop request
            }
        }
    }
}
