package dev.arbor.hardening;

import dev.arbor.ChildSpec;
import dev.arbor.Restart;
import dev.arbor.Service;
import dev.arbor.ServiceRef;
import dev.arbor.Strategy;
import dev.arbor.Supervisor;
import dev.arbor.SupervisorEvent.ServiceFailed;
import dev.arbor.SupervisorEvent.ServiceStarted;
import dev.arbor.SupervisorEvent.ServiceStopped;
import dev.arbor.SupervisorEvent.SupervisorTerminated;
import dev.arbor.SupervisorState;
import dev.arbor.support.EventLog;
import dev.arbor.support.FailsOnce;
import dev.arbor.testing.ManualClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fatal JVM errors (API.md's table, last row): a {@link VirtualMachineError} other than
 * {@link StackOverflowError} thrown by a run terminates the supervisor with that error as its
 * termination cause, passes up through every ancestor whatever their {@code propagateTermination},
 * and is thrown by the root's {@code run()}; the child is never restarted. Every other
 * {@link Error} (StackOverflowError included) is an ordinary failure.
 *
 * <p>No test sleeps: time is a {@link ManualClock} that is never advanced (so nothing ends by a
 * timeout), children end on their interrupt, and every real-time wait is an upper bound.
 */
class FatalJvmErrorTest {
    private static final long BOUND_S = 10;

    /** Errors the JVM throws when it can no longer be trusted. */
    static Stream<Supplier<VirtualMachineError>> fatalErrors() {
        return Stream.of(
                () -> new OutOfMemoryError("Java heap space (injected)"),
                () -> new InternalError("injected"),
                () -> new UnknownError("injected"),
                () -> new VirtualMachineError("a custom VirtualMachineError") { });
    }

    /** Errors that are ordinary failures: restarted and counted. */
    static Stream<Supplier<Throwable>> ordinaryErrors() {
        return Stream.of(
                () -> new StackOverflowError("injected"),
                () -> new AssertionError("injected"),
                () -> new LinkageError("injected"),
                () -> new ExceptionInInitializerError("injected"),
                () -> new IllegalStateException("wraps a fatal error", new OutOfMemoryError("as a cause only")));
    }

    @ParameterizedTest
    @MethodSource("fatalErrors")
    void aFatalErrorTerminatesTheSupervisorAndRunThrowsIt(Supplier<VirtualMachineError> error) throws Exception {
        EventLog log = new EventLog();
        Supervisor root = Supervisor.builder("root").clock(new ManualClock()).onEvent(log).build();
        CountDownLatch bystanderStarted = new CountDownLatch(1);
        root.add("bystander", ctx -> {
            bystanderStarted.countDown();
            ctx.awaitStop();
        });
        CountDownLatch fire = new CountDownLatch(1);
        VirtualMachineError thrown = error.get();
        AtomicInteger runs = new AtomicInteger();
        root.add("victim", ctx -> {
            runs.incrementAndGet();
            fire.await();
            throw thrown;
        });
        CompletableFuture<Throwable> run = runInBackground(root);
        assertThat(bystanderStarted.await(BOUND_S, TimeUnit.SECONDS)).isTrue();
        fire.countDown();

        assertThat(run.get(BOUND_S, TimeUnit.SECONDS)).isSameAs(thrown);
        assertThat(root.state()).isEqualTo(SupervisorState.TERMINATED);
        assertThat(root.terminationCause()).containsSame(thrown);
        ServiceFailed failed = log.await(ServiceFailed.class);
        assertThat(failed.service()).isEqualTo("victim");
        assertThat(failed.cause()).isSameAs(thrown);
        assertThat(failed.restarting()).isFalse();
        assertThat(failed.failures()).as("a fatal error is not counted").isZero();
        assertThat(log.next(ServiceStopped.class).service()).isEqualTo("bystander");
        assertThat(log.next(SupervisorTerminated.class).cause()).isSameAs(thrown);
        assertThat(runs).hasValue(1);
        assertThat(startsOf(log, "victim")).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(Restart.class)
    void everyRestartTypeTerminatesOnAFatalError(Restart restart) throws Exception {
        Supervisor root = Supervisor.builder("root").clock(new ManualClock()).onEvent(e -> { }).build();
        OutOfMemoryError oom = new OutOfMemoryError("injected");
        root.add(ChildSpec.of("victim", ctx -> { throw oom; }).withRestart(restart));
        assertThat(runInBackground(root).get(BOUND_S, TimeUnit.SECONDS)).isSameAs(oom);
        assertThat(root.terminationCause()).containsSame(oom);
    }

    @ParameterizedTest
    @MethodSource("ordinaryErrors")
    void otherErrorsAreOrdinaryFailuresAndAreRestarted(Supplier<Throwable> error) throws Exception {
        EventLog log = new EventLog();
        Supervisor root = Supervisor.builder("root").clock(new ManualClock()).onEvent(log).build();
        Throwable thrown = error.get();
        CountDownLatch secondRun = new CountDownLatch(1);
        root.add("victim", ctx -> {
            if (ctx.restarts() == 0) {
                if (thrown instanceof Error e) {
                    throw e;
                }
                throw (Exception) thrown;
            }
            secondRun.countDown();
            ctx.awaitStop();
        });
        root.start();
        assertThat(secondRun.await(BOUND_S, TimeUnit.SECONDS)).isTrue();
        ServiceFailed failed = log.await(ServiceFailed.class);
        assertThat(failed.cause()).isSameAs(thrown);
        assertThat(failed.restarting()).isTrue();
        assertThat(failed.failures()).isEqualTo(1.0);
        assertThat(root.state()).isEqualTo(SupervisorState.RUNNING);
        assertThat(root.stop().clean()).isTrue();
        assertThat(root.terminationCause()).isEmpty();
    }

    @Test
    void aRealStackOverflowIsAnOrdinaryFailure() throws Exception {
        EventLog log = new EventLog();
        Supervisor root = Supervisor.builder("root").clock(new ManualClock()).onEvent(log).build();
        CountDownLatch secondRun = new CountDownLatch(1);
        root.add("recursor", ctx -> {
            if (ctx.restarts() == 0) {
                recurse(0);
            }
            secondRun.countDown();
            ctx.awaitStop();
        });
        root.start();
        assertThat(secondRun.await(BOUND_S, TimeUnit.SECONDS)).isTrue();
        assertThat(log.await(ServiceFailed.class).cause()).isInstanceOf(StackOverflowError.class);
        assertThat(root.stop().clean()).isTrue();
    }

    private static int recurse(int depth) {
        return recurse(depth + 1) + 1;
    }

    /** root → mid (propagateTermination false) → leaf: the error still reaches the root's run(). */
    @Test
    void aFatalErrorPassesUpANestedTreeRegardlessOfPropagateTermination() throws Exception {
        EventLog log = new EventLog();
        ManualClock clock = new ManualClock();
        Supervisor root = Supervisor.builder("root").clock(clock).onEvent(log).build();
        Supervisor mid = Supervisor.builder("mid").clock(clock).propagateTermination(false).build();
        Supervisor low = Supervisor.builder("low").clock(clock).propagateTermination(false).build();
        CountDownLatch others = new CountDownLatch(2);
        root.add("rootSibling", awaitingStop(others));
        root.add("mid", mid);
        mid.add("midSibling", awaitingStop(others));
        mid.add("low", low);
        CountDownLatch fire = new CountDownLatch(1);
        OutOfMemoryError oom = new OutOfMemoryError("injected deep down");
        low.add("leaf", ctx -> {
            fire.await();
            throw oom;
        });
        CompletableFuture<Throwable> run = runInBackground(root);
        assertThat(others.await(BOUND_S, TimeUnit.SECONDS)).isTrue();
        fire.countDown();

        assertThat(run.get(BOUND_S, TimeUnit.SECONDS)).isSameAs(oom);
        for (Supervisor s : new Supervisor[] {root, mid, low}) {
            assertThat(s.state()).as(s.name()).isEqualTo(SupervisorState.TERMINATED);
            assertThat(s.terminationCause()).as(s.name()).containsSame(oom);
        }
        // The parent of each terminated supervisor sees it fail with the error, not restarting.
        ServiceFailed midFailed = log.await(ServiceFailed.class, f -> f.service().equals("mid"));
        assertThat(midFailed.cause()).isSameAs(oom);
        assertThat(midFailed.restarting()).isFalse();
        assertThat(log.await(SupervisorTerminated.class, t -> t.supervisor().equals("root")).cause()).isSameAs(oom);
        assertThat(startsOf(log, "mid")).isEqualTo(1);
        assertThat(startsOf(log, "low")).isEqualTo(1);
    }

    /** A user service wrapping a supervisor with serve(): serve throws the error to its own run. */
    @Test
    void serveRethrowsAFatalErrorSoTheHostingSupervisorTerminates() throws Exception {
        ManualClock clock = new ManualClock();
        Supervisor root = Supervisor.builder("root").clock(clock).onEvent(e -> { }).build();
        Supervisor inner = Supervisor.builder("inner").clock(clock).propagateTermination(false).build();
        InternalError error = new InternalError("injected");
        inner.add("leaf", ctx -> { throw error; });
        CompletableFuture<Throwable> served = new CompletableFuture<>();
        root.add("wrapper", ctx -> {
            try {
                inner.serve(ctx);
                served.complete(null);
            } catch (Throwable t) {
                served.complete(t);
                throw t;
            }
        });
        CompletableFuture<Throwable> run = runInBackground(root);
        assertThat(served.get(BOUND_S, TimeUnit.SECONDS)).isSameAs(error);
        assertThat(run.get(BOUND_S, TimeUnit.SECONDS)).isSameAs(error);
        assertThat(inner.terminationCause()).containsSame(error);
    }

    /**
     * A child stopped for a ONE_FOR_ALL restart that throws a fatal error while stopping: the
     * supervisor must terminate rather than restart the children into a broken JVM.
     */
    @Test
    void aFatalErrorThrownWhileStoppingForAStrategyRestartStillTerminates() throws Exception {
        EventLog log = new EventLog();
        Supervisor root = Supervisor.builder("root").clock(new ManualClock()).onEvent(log)
                .strategy(Strategy.ONE_FOR_ALL).build();
        OutOfMemoryError oom = new OutOfMemoryError("injected while stopping");
        CountDownLatch started = new CountDownLatch(1);
        root.add("dying", ctx -> {
            started.countDown();
            ctx.awaitStop();
            throw oom;             // e.g. the cleanup after the stop request runs out of memory
        });
        FailsOnce failing = new FailsOnce("ordinary failure");
        root.add("failing", failing);
        CompletableFuture<Throwable> run = runInBackground(root);
        assertThat(started.await(BOUND_S, TimeUnit.SECONDS)).isTrue();
        failing.fail();

        assertThat(run.get(BOUND_S, TimeUnit.SECONDS)).isSameAs(oom);
        assertThat(root.terminationCause()).containsSame(oom);
        assertThat(log.await(SupervisorTerminated.class).cause()).isSameAs(oom);
        assertThat(startsOf(log, "dying")).as("never restarted into a broken JVM").isEqualTo(1);
    }

    /** The same through a child supervisor stopped for its parent's strategy restart. */
    @Test
    void aFatalErrorInsideAChildSupervisorStoppedForARestartReachesTheRoot() throws Exception {
        EventLog log = new EventLog();
        ManualClock clock = new ManualClock();
        Supervisor root = Supervisor.builder("root").clock(clock).onEvent(log)
                .strategy(Strategy.ONE_FOR_ALL).build();
        Supervisor mid = Supervisor.builder("mid").clock(clock).build();
        OutOfMemoryError oom = new OutOfMemoryError("injected while stopping");
        CountDownLatch started = new CountDownLatch(1);
        mid.add("dying", ctx -> {
            started.countDown();
            ctx.awaitStop();
            throw oom;
        });
        root.add("mid", mid);
        FailsOnce failing = new FailsOnce("ordinary failure");
        root.add("failing", failing);
        CompletableFuture<Throwable> run = runInBackground(root);
        assertThat(started.await(BOUND_S, TimeUnit.SECONDS)).isTrue();
        failing.fail();

        assertThat(run.get(BOUND_S, TimeUnit.SECONDS)).isSameAs(oom);
        assertThat(mid.terminationCause()).containsSame(oom);
        assertThat(root.terminationCause()).containsSame(oom);
        assertThat(startsOf(log, "mid")).isEqualTo(1);
    }

    /** A removed child that throws a fatal error on its way out still terminates the tree. */
    @Test
    void aFatalErrorThrownByARemovedChildStillTerminates() throws Exception {
        Supervisor root = Supervisor.builder("root").clock(new ManualClock()).onEvent(e -> { }).build();
        OutOfMemoryError oom = new OutOfMemoryError("injected while stopping");
        CountDownLatch started = new CountDownLatch(1);
        ServiceRef ref = root.add("dying", ctx -> {
            started.countDown();
            ctx.awaitStop();
            throw oom;
        });
        root.add("bystander", ctx -> ctx.awaitStop());
        CompletableFuture<Throwable> run = runInBackground(root);
        assertThat(started.await(BOUND_S, TimeUnit.SECONDS)).isTrue();
        assertThat(root.removeAndWait(ref, Duration.ofSeconds(BOUND_S))).isTrue();
        assertThat(run.get(BOUND_S, TimeUnit.SECONDS)).isSameAs(oom);
        assertThat(root.terminationCause()).containsSame(oom);
    }

    /** A fatal error that arrives while the supervisor is already stopping by stop() becomes the cause. */
    @Test
    void aFatalErrorDuringStopBecomesTheTerminationCause() throws Exception {
        Supervisor root = Supervisor.builder("root").clock(new ManualClock()).onEvent(e -> { }).build();
        OutOfMemoryError oom = new OutOfMemoryError("injected while stopping");
        CountDownLatch started = new CountDownLatch(1);
        root.add("dying", ctx -> {
            started.countDown();
            ctx.awaitStop();
            throw oom;
        });
        CompletableFuture<Throwable> run = runInBackground(root);
        assertThat(started.await(BOUND_S, TimeUnit.SECONDS)).isTrue();
        assertThat(root.stop().clean()).isTrue();
        assertThat(root.terminationCause()).containsSame(oom);
        assertThat(run.get(BOUND_S, TimeUnit.SECONDS)).isSameAs(oom);
    }

    private static Service awaitingStop(CountDownLatch started) {
        return ctx -> {
            started.countDown();
            ctx.awaitStop();
        };
    }

    private static long startsOf(EventLog log, String service) {
        return log.all().stream()
                .filter(e -> e instanceof ServiceStarted s && s.service().equals(service))
                .count();
    }

    /** Runs {@code root.run()} on a platform thread; completes with what it threw, or null. */
    private static CompletableFuture<Throwable> runInBackground(Supervisor root) {
        CompletableFuture<Throwable> result = new CompletableFuture<>();
        Thread.ofPlatform().name("run-" + root.name()).start(() -> {
            try {
                root.run();
                result.complete(null);
            } catch (Throwable t) {
                result.complete(t);
            }
        });
        return result;
    }
}
