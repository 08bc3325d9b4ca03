package dev.arbor.functional;

import dev.arbor.ChildInfo;
import dev.arbor.ChildSpec;
import dev.arbor.DoNotRestartException;
import dev.arbor.Restart;
import dev.arbor.Service;
import dev.arbor.ServiceRef;
import dev.arbor.Supervisor;
import dev.arbor.SupervisorEvent;
import dev.arbor.SupervisorEvent.ServiceCompleted;
import dev.arbor.SupervisorEvent.ServiceFailed;
import dev.arbor.SupervisorEvent.ServiceStarted;
import dev.arbor.SupervisorEvent.ServiceStopped;
import dev.arbor.SupervisorEvent.SupervisorTerminated;
import dev.arbor.SupervisorState;
import dev.arbor.TerminateTreeException;
import dev.arbor.support.EventLog;
import dev.arbor.support.Stopper;
import dev.arbor.support.Puppet;
import dev.arbor.testing.ManualClock;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * API.md's table "How a run ends, and what the supervisor does", cell by cell, for each
 * {@link Restart} type, with the event each cell emits. A PERMANENT "witness" child shares the
 * supervisor: its failure's count tells whether the ending under test was counted (the threshold is
 * high, so nothing backs off).
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)   // a wedged supervisor fails, not hangs
class RestartTypeTest {
    private final ManualClock clock = new ManualClock();
    private final EventLog log = new EventLog();
    private final Puppet witness = new Puppet();
    private Supervisor sup;
    private ServiceRef childRef;

    @AfterEach
    void stop() throws Exception {
        Stopper.stop(sup);
    }

    /** Starts "witness" then "child" (the service under test, with {@code restart}). */
    private void start(Restart restart, Service child) {
        sup = Supervisor.builder("sup").clock(clock).onEvent(log).failureThreshold(100).build();
        sup.add("witness", witness);
        childRef = sup.add(ChildSpec.of("child", child).withRestart(restart));
        sup.start();
        assertThat(log.next(ServiceStarted.class).service()).isEqualTo("witness");
        assertThat(log.next(ServiceStarted.class).service()).isEqualTo("child");
    }

    /** The failure count before this call, read from the witness's failure at the same instant. */
    private double countedSoFar() {
        witness.fail();
        return log.await(ServiceFailed.class, f -> f.service().equals("witness")).failures() - 1;
    }

    private List<String> childNames() {
        return sup.children().stream().map(ChildInfo::name).toList();
    }

    /** What {@code root.run()} threw, bounded: a run() that does not end fails the test (and is stopped). */
    private static Throwable runInBackground(Supervisor root) throws Exception {
        java.util.concurrent.CompletableFuture<Throwable> ran = new java.util.concurrent.CompletableFuture<>();
        Thread.ofVirtual().start(() -> ran.complete(catchThrowable(root::run)));
        try {
            return ran.get(10, java.util.concurrent.TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            root.stop();
            throw new AssertionError("run() did not end", e);
        }
    }

    private static Service throwing(Throwable t) {
        return ctx -> {
            if (ctx.restarts() > 0) {
                ctx.awaitStop();                   // later runs just wait to be stopped
                return;
            }
            if (t instanceof Exception e) {
                throw e;
            }
            throw (Error) t;
        };
    }

    // ------------------------------------------------------------------ returns normally

    @Test
    void normalReturnOfAPermanentChildIsACountedFailureAndItRestarts() {
        Puppet child = new Puppet();
        start(Restart.PERMANENT, child);
        child.complete();
        ServiceFailed failed = log.next(ServiceFailed.class);
        assertThat(failed.service()).isEqualTo("child");
        assertThat(failed.cause()).isNull();
        assertThat(failed.failures()).isEqualTo(1.0);
        assertThat(failed.restarting()).isTrue();
        ServiceStarted again = log.next(ServiceStarted.class);
        assertThat(again.service()).isEqualTo("child");
        assertThat(again.restarts()).isEqualTo(1);
        assertThat(childNames()).containsExactly("witness", "child");
    }

    @ParameterizedTest
    @EnumSource(value = Restart.class, names = {"TRANSIENT", "TEMPORARY"})
    void normalReturnOfATransientOrTemporaryChildCompletesAndRemovesIt(Restart restart) {
        Puppet child = new Puppet();
        start(restart, child);
        child.complete();
        assertThat(log.next(SupervisorEvent.class)).isEqualTo(new ServiceCompleted("sup", "child"));
        assertThat(childNames()).containsExactly("witness");
        assertThat(countedSoFar()).isZero();
        assertThat(child.runs()).isEqualTo(1);
    }

    // ------------------------------------------------------------------ throws

    static Stream<Throwable> ordinaryFailures() {
        return Stream.of(new IllegalStateException("exception"), new Exception("checked"),
                new StackOverflowError("not fatal"), new AssertionError("an ordinary Error"));
    }

    static Stream<Arguments> restartedTypesAndFailures() {
        return Stream.of(Restart.PERMANENT, Restart.TRANSIENT)
                .flatMap(r -> ordinaryFailures().map(t -> Arguments.of(r, t)));
    }

    @ParameterizedTest(name = "{0} throws {1}")
    @MethodSource("restartedTypesAndFailures")
    void throwingPermanentOrTransientChildIsRestartedAndCounted(Restart restart, Throwable thrown) {
        start(restart, throwing(thrown));
        ServiceFailed failed = log.next(ServiceFailed.class);
        assertThat(failed.cause()).isSameAs(thrown);
        assertThat(failed.failures()).isEqualTo(1.0);
        assertThat(failed.restarting()).isTrue();
        assertThat(log.next(ServiceStarted.class).restarts()).isEqualTo(1);
        ChildInfo info = sup.children().get(1);
        assertThat(info.restarts()).isEqualTo(1);
        assertThat(info.lastFailure()).containsSame(thrown);
    }

    @ParameterizedTest(name = "TEMPORARY throws {0}")
    @MethodSource("ordinaryFailures")
    void throwingTemporaryChildIsRemovedWithAnUncountedFailure(Throwable thrown) {
        start(Restart.TEMPORARY, throwing(thrown));
        ServiceFailed failed = log.next(ServiceFailed.class);
        assertThat(failed.cause()).isSameAs(thrown);
        assertThat(failed.failures()).isZero();
        assertThat(failed.restarting()).isFalse();
        assertThat(childNames()).containsExactly("witness");
        assertThat(countedSoFar()).isZero();
    }

    // ------------------------------------------------------------------ DoNotRestartException

    static Stream<Arguments> doNotRestartChains() {
        return Stream.of(Restart.values()).flatMap(r -> Stream.<Function<RuntimeException, Throwable>>of(
                        dnr -> dnr,
                        dnr -> new IllegalStateException("wrapper", dnr),
                        dnr -> new ExecutionException(new RuntimeException("middle", dnr)))
                .map(chain -> Arguments.of(r, chain)));
    }

    @ParameterizedTest(name = "{0}, chain shape {index}")
    @MethodSource("doNotRestartChains")
    void doNotRestartAnywhereInTheCauseChainCompletesAndRemovesTheChild(
            Restart restart, Function<RuntimeException, Throwable> chain) {
        Throwable thrown = chain.apply(new DoNotRestartException("done"));
        start(restart, throwing(thrown));
        assertThat(log.next(SupervisorEvent.class)).isEqualTo(new ServiceCompleted("sup", "child"));
        assertThat(childNames()).containsExactly("witness");
        assertThat(sup.state()).isEqualTo(SupervisorState.RUNNING);
        assertThat(countedSoFar()).isZero();
    }

    // ------------------------------------------------------------------ TerminateTreeException

    @ParameterizedTest(name = "{0}, chain shape {index}")
    @MethodSource("doNotRestartChains")   // the same chain shapes, around a TerminateTreeException
    void terminateTreeAnywhereInTheCauseChainTerminatesTheSupervisor(
            Restart restart, Function<RuntimeException, Throwable> chain) {
        TerminateTreeException tte = new TerminateTreeException("the end");
        Throwable thrown = chain.apply(tte);
        start(restart, throwing(thrown));
        ServiceFailed failed = log.next(ServiceFailed.class);
        assertThat(failed.service()).isEqualTo("child");
        assertThat(failed.cause()).isSameAs(thrown);
        assertThat(failed.restarting()).isFalse();
        assertThat(log.next(ServiceStopped.class).service()).isEqualTo("witness");
        SupervisorTerminated terminated = log.next(SupervisorTerminated.class);
        assertThat(terminated.cause()).isSameAs(tte);
        assertThat(sup.state()).isEqualTo(SupervisorState.TERMINATED);
        assertThat(sup.terminationCause()).containsSame(tte);
    }

    @Test
    void rootRunThrowsTheTerminateTreeExceptionFoundInTheChain() throws Exception {
        TerminateTreeException tte = new TerminateTreeException("the end");
        Supervisor root = Supervisor.builder("root").clock(clock).onEvent(log).build();
        root.add("child", throwing(new IllegalStateException("wrapper", tte)));
        assertThat(runInBackground(root)).isSameAs(tte);
    }

    static Stream<Arguments> bothSpecialExceptions() {
        return Stream.of(
                Arguments.of("DoNotRestart(TerminateTree)",
                        new DoNotRestartException("outer", new TerminateTreeException("inner")), false),
                Arguments.of("TerminateTree(DoNotRestart)",
                        new TerminateTreeException("outer", new DoNotRestartException("inner")), true),
                Arguments.of("Runtime(DoNotRestart(TerminateTree))", new RuntimeException("w",
                        new DoNotRestartException("outer", new TerminateTreeException("inner"))), false),
                Arguments.of("Runtime(TerminateTree(DoNotRestart))", new RuntimeException("w",
                        new TerminateTreeException("outer", new DoNotRestartException("inner"))), true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bothSpecialExceptions")
    void whenTheChainHoldsBothTheFirstFoundWalkingDownDecides(String shape, Throwable thrown, boolean terminates) {
        start(Restart.PERMANENT, throwing(thrown));
        if (terminates) {
            assertThat(log.next(ServiceFailed.class).restarting()).isFalse();
            assertThat(log.await(SupervisorTerminated.class).cause()).isInstanceOf(TerminateTreeException.class)
                    .hasMessage("outer");
            assertThat(sup.state()).isEqualTo(SupervisorState.TERMINATED);
        } else {
            assertThat(log.next(SupervisorEvent.class)).isEqualTo(new ServiceCompleted("sup", "child"));
            assertThat(sup.state()).isEqualTo(SupervisorState.RUNNING);
            assertThat(childNames()).containsExactly("witness");
        }
    }

    // ------------------------------------------------------------------ after a stop request

    static Stream<Arguments> endingsAfterStop() {
        List<Throwable> endings = java.util.Arrays.asList(
                null,                                            // returns normally
                new IllegalStateException("thrown on stop"),
                new DoNotRestartException("thrown on stop"),
                new TerminateTreeException("thrown on stop"),
                new InterruptedException("thrown on stop"));
        return Stream.of(Restart.values()).flatMap(r -> endings.stream().map(t -> Arguments.of(r, t)));
    }

    @ParameterizedTest(name = "{0} ends with {1} after remove()")
    @MethodSource("endingsAfterStop")
    void aRunEndingInAnyWayAfterItsStopRequestIsStoppedNotRestartedNotCounted(Restart restart, Throwable ending) {
        start(restart, ctx -> {
            ctx.awaitStop();
            if (ending instanceof Exception e) {
                throw e;
            }
        });
        assertThat(sup.remove(childRef)).isTrue();
        assertThat(log.next(SupervisorEvent.class)).isEqualTo(new ServiceStopped("sup", "child"));
        assertThat(childNames()).containsExactly("witness");
        assertThat(sup.state()).isEqualTo(SupervisorState.RUNNING);
        assertThat(countedSoFar()).isZero();
    }

    @Test
    void terminateTreeThrownInResponseToStopDoesNotMakeTheStopATermination() throws Exception {
        Supervisor root = Supervisor.builder("root").clock(clock).onEvent(log).build();
        root.add("child", ctx -> {
            ctx.awaitStop();
            throw new TerminateTreeException("thrown on stop");
        });
        java.util.concurrent.CompletableFuture<Throwable> ran = new java.util.concurrent.CompletableFuture<>();
        Thread.ofVirtual().start(() -> ran.complete(catchThrowable(root::run)));
        log.next(ServiceStarted.class);
        assertThat(root.stop().clean()).isTrue();
        assertThat(log.next(SupervisorEvent.class)).isEqualTo(new ServiceStopped("root", "child"));
        assertThat(log.next(SupervisorEvent.class)).isEqualTo(new SupervisorTerminated("root", null));
        assertThat(root.terminationCause()).isEmpty();
        assertThat(ran.get(10, java.util.concurrent.TimeUnit.SECONDS)).as("what run() threw").isNull();
    }

    // ------------------------------------------------------------------ InterruptedException

    @ParameterizedTest
    @EnumSource(value = Restart.class, names = {"PERMANENT", "TRANSIENT"})
    void interruptedExceptionWithoutAStopRequestIsAnOrdinaryFailure(Restart restart) {
        start(restart, ctx -> {
            if (ctx.restarts() > 0) {
                ctx.awaitStop();
                return;
            }
            Thread.currentThread().interrupt();  // an interrupt that is not a stop request
            Thread.sleep(60_000);                // throws at once
        });
        ServiceFailed failed = log.next(ServiceFailed.class);
        assertThat(failed.cause()).isInstanceOf(InterruptedException.class);
        assertThat(failed.failures()).isEqualTo(1.0);
        assertThat(failed.restarting()).isTrue();
        assertThat(log.next(ServiceStarted.class).restarts()).isEqualTo(1);
    }

    @Test
    void interruptedExceptionWithoutAStopRequestRemovesATemporaryChildAsFailed() {
        start(Restart.TEMPORARY, throwing(new InterruptedException("not a stop")));
        ServiceFailed failed = log.next(ServiceFailed.class);
        assertThat(failed.cause()).isInstanceOf(InterruptedException.class);
        assertThat(failed.restarting()).isFalse();
        assertThat(childNames()).containsExactly("witness");
    }

    // ------------------------------------------------------------------ fatal JVM errors

    @ParameterizedTest
    @EnumSource(Restart.class)
    void fatalErrorTerminatesTheSupervisorAndTheChildIsNeverRestarted(Restart restart) {
        OutOfMemoryError oom = new OutOfMemoryError("test");
        java.util.concurrent.atomic.AtomicInteger runs = new java.util.concurrent.atomic.AtomicInteger();
        start(restart, ctx -> {
            runs.incrementAndGet();
            throw oom;
        });
        ServiceFailed failed = log.next(ServiceFailed.class);
        assertThat(failed.cause()).isSameAs(oom);
        assertThat(failed.restarting()).isFalse();
        assertThat(log.next(ServiceStopped.class).service()).isEqualTo("witness");
        assertThat(log.next(SupervisorTerminated.class).cause()).isSameAs(oom);
        assertThat(sup.state()).isEqualTo(SupervisorState.TERMINATED);
        assertThat(sup.terminationCause()).containsSame(oom);
        assertThat(runs).hasValue(1);
        assertThat(log.all().stream().filter(e -> e instanceof ServiceStarted s && s.service().equals("child")))
                .hasSize(1);
    }

    @Test
    void rootRunThrowsTheFatalError() throws Exception {
        OutOfMemoryError oom = new OutOfMemoryError("test");
        Supervisor root = Supervisor.builder("root").clock(clock).onEvent(log).build();
        root.add("child", ctx -> {
            throw oom;
        });
        assertThat(runInBackground(root)).isSameAs(oom);
    }
}
