package dev.arbor.hardening;

import dev.arbor.StopOrder;
import dev.arbor.Supervisor;
import dev.arbor.SupervisorEvent.ServiceFailed;
import dev.arbor.SupervisorEvent.ServiceStarted;
import dev.arbor.SupervisorEvent.ServiceStopTimeout;
import dev.arbor.SupervisorEvent.ServiceStopped;
import dev.arbor.SupervisorEvent.SupervisorTerminated;
import dev.arbor.SupervisorState;
import dev.arbor.support.EventLog;
import dev.arbor.support.Puppet;
import dev.arbor.support.Stopper;
import dev.arbor.testing.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static dev.arbor.hardening.UserCallbackFaultTest.runInBackground;
import static dev.arbor.hardening.UserCallbackFaultTest.stopWithin;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 8, the thread factory (user code under the supervisor's lock) and the threads it makes
 * (their {@code start} and {@code interrupt} are user code too when they are subclasses). A
 * factory that cannot make a usable thread terminates the supervisor with that failure (a fatal
 * error as itself); a thread that cannot start ends its run with that failure; a thread that never
 * runs its Runnable is found at the stop request. The first thread is always made normally; the
 * fault hits the restart of "failer". Time is a ManualClock that is never advanced: no stop waits
 * for a timeout.
 */
class ThreadFactoryFaultTest {
    private static final long BOUND_S = EventLog.BOUND.toSeconds();

    private final ManualClock clock = new ManualClock();
    private final EventLog log = new EventLog();
    private final Puppet failer = new Puppet();
    private final AtomicInteger made = new AtomicInteger();
    private Supervisor root;

    @AfterEach
    void stopRoot() throws Exception {
        Stopper.stop(root);
    }

    /** A factory whose second thread (failer's restart) comes from {@code second}. */
    private ThreadFactory secondThreadFrom(Function<Runnable, Thread> second) {
        return body -> made.incrementAndGet() == 2 ? second.apply(body) : Thread.ofVirtual().unstarted(body);
    }

    private Supervisor.Builder builder(ThreadFactory factory) {
        return Supervisor.builder("root").clock(clock).onEvent(log).failureThreshold(100).threadFactory(factory);
    }

    static Stream<Arguments> factoriesThatCannotMakeAThread() {
        Supplier<Thread> started = () -> {
            Thread t = Thread.ofVirtual().start(() -> { });
            try {
                t.join();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            return t;
        };
        return Stream.of(
                Arguments.of("throws a RuntimeException", new IllegalStateException("factory bug"), null),
                Arguments.of("throws an AssertionError", new AssertionError("factory bug"), null),
                Arguments.of("throws an OutOfMemoryError", new OutOfMemoryError("unable to create native thread (injected)"), null),
                Arguments.of("returns null", null, (Supplier<Thread>) () -> null),
                Arguments.of("returns a thread that already ran", null, started));
    }

    @ParameterizedTest(name = "a factory that {0}")
    @MethodSource("factoriesThatCannotMakeAThread")
    void aFactoryThatCannotMakeTheRestartsThreadTerminatesTheSupervisor(String what, Throwable thrown,
                                                                         Supplier<Thread> returned) throws Exception {
        root = builder(secondThreadFrom(body -> {
            if (thrown != null) {
                throw Faults.sneaky(thrown);
            }
            return returned.get();
        })).build();
        root.add("failer", failer);
        CompletableFuture<Throwable> run = runInBackground(root);
        log.next(ServiceStarted.class);
        failer.fail();
        ServiceFailed failed = log.next(ServiceFailed.class);
        assertThat(failed.restarting()).as("no thread, no restart: the event says so").isFalse();
        Throwable cause = log.next(SupervisorTerminated.class).cause();
        if (thrown instanceof VirtualMachineError) {
            assertThat(cause).isSameAs(thrown);
        } else {
            assertThat(cause).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("could not create a thread for \"failer\"");
            if (thrown != null) {
                assertThat(cause).hasCause(thrown);
            }
        }
        assertThat(run.get(BOUND_S, TimeUnit.SECONDS)).isSameAs(cause);
    }

    @Test
    void aFactoryThatCallsStopOnItsOwnSupervisorIsRefusedAndTheSupervisorTerminates() throws Exception {
        Supervisor[] self = new Supervisor[1];
        root = builder(secondThreadFrom(body -> {
            try {
                self[0].stop();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            return Thread.ofVirtual().unstarted(body);
        })).build();
        self[0] = root;
        root.add("failer", failer);
        root.start();
        log.next(ServiceStarted.class);
        failer.fail();
        log.next(ServiceFailed.class);
        Throwable cause = log.next(SupervisorTerminated.class).cause();
        assertThat(cause).hasRootCauseInstanceOf(IllegalStateException.class)
                .hasRootCauseMessage("stop() of supervisor \"root\" called from its own jitter, thread factory or clock, "
                        + "which run under its lock: it would wait for itself");
    }

    @Test
    void aPlatformThreadFromTheFactoryIsSupervisedLikeAVirtualOne() throws Exception {
        AtomicReference<Boolean> secondRunVirtual = new AtomicReference<>();
        CountDownLatch secondRun = new CountDownLatch(1);
        root = builder(body -> Thread.ofPlatform().unstarted(body)).build();
        root.add("flaky", ctx -> {
            if (ctx.restarts() == 0) {
                throw new IllegalStateException("once");
            }
            secondRunVirtual.set(Thread.currentThread().isVirtual());
            secondRun.countDown();
            ctx.awaitStop();
        });
        root.start();
        assertThat(secondRun.await(BOUND_S, TimeUnit.SECONDS)).isTrue();
        assertThat(secondRunVirtual.get()).isFalse();
        assertThat(stopWithin(root).clean()).isTrue();
        log.await(ServiceStopped.class);
    }

    /**
     * A factory that wraps the Runnable and forgets to call it: the run is RUNNING with no body.
     * Undetectable before a stop request; then its thread is seen to have ended and the run is
     * reported stopped at once, not waited for until its shutdown timeout nor listed as unstopped.
     */
    @Test
    void aThreadThatNeverRunsTheServiceIsReportedStoppedAtTheStopRequest() throws Exception {
        AtomicReference<Thread> empty = new AtomicReference<>();
        root = builder(secondThreadFrom(body -> {
            Thread t = Thread.ofVirtual().unstarted(() -> { });
            empty.set(t);
            return t;
        })).shutdownTimeout(Duration.ofSeconds(30)).build();
        root.add("failer", failer);
        root.start();
        log.next(ServiceStarted.class);
        failer.fail();
        log.next(ServiceFailed.class);
        assertThat(log.next(ServiceStarted.class).restarts()).isEqualTo(1);
        empty.get().join(TimeUnit.SECONDS.toMillis(BOUND_S));
        assertThat(empty.get().isAlive()).isFalse();

        assertThat(stopWithin(root).clean()).isTrue();     // the clock never moves: no timeout was waited for
        assertThat(log.next(ServiceStopped.class).service()).isEqualTo("failer");
        assertThat(log.all()).noneMatch(e -> e instanceof ServiceStopTimeout);
    }

    /** A thread whose start() fails (no native thread: OutOfMemoryError) ends its run with the error. */
    @Test
    void aThreadWhoseStartThrowsAFatalErrorTerminatesTheSupervisorWithIt() throws Exception {
        OutOfMemoryError oom = new OutOfMemoryError("unable to create native thread (injected)");
        root = builder(secondThreadFrom(body -> new Thread(body) {
            @Override
            public synchronized void start() {
                throw oom;
            }
        })).build();
        root.add("failer", failer);
        CompletableFuture<Throwable> run = runInBackground(root);
        log.next(ServiceStarted.class);
        failer.fail();
        log.next(ServiceFailed.class);
        assertThat(log.next(ServiceStarted.class).restarts()).isEqualTo(1);
        ServiceFailed startFailed = log.next(ServiceFailed.class);
        assertThat(startFailed.cause()).isSameAs(oom);
        assertThat(startFailed.restarting()).isFalse();
        assertThat(log.next(SupervisorTerminated.class).cause()).isSameAs(oom);
        assertThat(run.get(BOUND_S, TimeUnit.SECONDS)).isSameAs(oom);
    }

    /** Anything else from start() is an ordinary failure of that run: counted, and restarted. */
    @Test
    void aThreadWhoseStartThrowsAnExceptionIsAnOrdinaryFailureOfItsRun() throws Exception {
        IllegalThreadStateException broken = new IllegalThreadStateException("injected");
        root = builder(secondThreadFrom(body -> new Thread(body) {
            @Override
            public synchronized void start() {
                throw broken;
            }
        })).build();
        root.add("failer", failer);
        root.start();
        log.next(ServiceStarted.class);
        failer.fail();
        assertThat(log.next(ServiceFailed.class).failures()).isEqualTo(1.0);
        log.next(ServiceStarted.class);
        ServiceFailed startFailed = log.next(ServiceFailed.class);
        assertThat(startFailed.cause()).isInstanceOf(IllegalStateException.class).hasCause(broken)
                .hasMessageContaining("could not start the thread of \"failer\"");
        assertThat(startFailed.failures()).isEqualTo(2.0);
        assertThat(startFailed.restarting()).isTrue();
        assertThat(log.next(ServiceStarted.class).restarts()).isEqualTo(2);   // the third thread is fine
        assertThat(root.state()).isEqualTo(SupervisorState.RUNNING);
        assertThat(stopWithin(root).clean()).isTrue();
    }

    /**
     * A thread whose interrupt() throws: the stop request stands (the service sees isStopping and
     * its onStop action), and the other runs asked in the same batch are still interrupted.
     */
    @Test
    void aThreadWhoseInterruptThrowsDoesNotKeepTheOthersFromBeingInterrupted() throws Exception {
        root = builder(body -> made.incrementAndGet() == 1
                ? new Thread(body) {
                    @Override
                    public void interrupt() {
                        throw new IllegalStateException("interrupt bug");
                    }
                }
                : Thread.ofVirtual().unstarted(body))
                .stopOrder(StopOrder.PARALLEL).build();
        root.add("odd", ctx -> {
            CountDownLatch stop = new CountDownLatch(1);
            ctx.onStop(stop::countDown);
            stop.await();
        });
        root.add("plain", ctx -> ctx.awaitStop());    // needs the interrupt
        root.start();
        log.next(ServiceStarted.class);
        log.next(ServiceStarted.class);
        assertThat(stopWithin(root).clean()).isTrue();
        log.next(ServiceStopped.class);               // both stopped (in either order), then the end
        log.next(ServiceStopped.class);
        log.next(SupervisorTerminated.class);
    }
}
