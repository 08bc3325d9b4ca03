package dev.arbor.hardening;

import dev.arbor.ServiceContext;
import dev.arbor.ServiceRef;
import dev.arbor.Supervisor;
import dev.arbor.SupervisorEvent.ServiceFailed;
import dev.arbor.SupervisorEvent.ServiceStarted;
import dev.arbor.SupervisorEvent.SupervisorTerminated;
import dev.arbor.SupervisorState;
import dev.arbor.support.EventLog;
import dev.arbor.support.Stopper;
import dev.arbor.testing.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static dev.arbor.hardening.UserCallbackFaultTest.runInBackground;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Issue 8, the user code the engine calls outside its lock on objects it did not make: the
 * {@code name()} of a foreign {@link ServiceRef}, a {@link ServiceContext} that is not the
 * engine's, handed to {@code Supervisor.serve}, and the {@code getCause()} of what a service
 * throws (called under the lock to classify the failure).
 */
class ForeignUserCodeTest {
    private static final long BOUND_S = EventLog.BOUND.toSeconds();

    private final ManualClock clock = new ManualClock();
    private final EventLog log = new EventLog();
    private Supervisor sup;

    @AfterEach
    void stop() throws Exception {
        Stopper.stop(sup);
    }

    @Test
    void aForeignRefWhoseNameThrowsIsStillRejectedWithIllegalArgumentException() {
        sup = Supervisor.builder("mine").clock(clock).build();
        ServiceRef broken = () -> {
            throw new IllegalStateException("name bug");
        };
        assertThatThrownBy(() -> sup.remove(broken)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("name() threw java.lang.IllegalStateException")
                .hasMessageContaining("not made by a supervisor").hasMessageContaining("\"mine\"");
    }

    /** A context of the user's own: a stop flag, onStop actions it may or may not run, faults on demand. */
    private static final class ForeignContext implements ServiceContext {
        volatile boolean stopping;
        volatile RuntimeException onStopThrows;
        volatile RuntimeException isStoppingThrows;

        @Override
        public String name() {
            return "foreign";
        }

        @Override
        public boolean isStopping() {
            RuntimeException e = isStoppingThrows;
            if (e != null) {
                throw e;
            }
            return stopping;
        }

        @Override
        public void awaitStop() {
            throw new UnsupportedOperationException();
        }

        @Override
        public void onStop(Runnable action) {
            RuntimeException e = onStopThrows;
            if (e != null) {
                throw e;
            }
            // never runs the action: only the interrupt tells the supervisor to stop
        }

        @Override
        public int restarts() {
            return 0;
        }
    }

    private CompletableFuture<Throwable> serveInBackground(Supervisor s, ServiceContext ctx, Thread[] thread) {
        CompletableFuture<Throwable> result = new CompletableFuture<>();
        thread[0] = Thread.ofPlatform().name("serve").start(() -> {
            try {
                s.serve(ctx);
                result.complete(null);
            } catch (Throwable t) {
                result.complete(t);
            }
        });
        return result;
    }

    private Supervisor servedWithOneChild(CountDownLatch started) {
        Supervisor s = Supervisor.builder("served").clock(clock).onEvent(log).build();
        s.add("child", ctx -> {
            started.countDown();
            ctx.awaitStop();
        });
        return s;
    }

    @Test
    void aForeignContextWhoseOnStopThrowsEndsServeWithThatExceptionAndLeavesNothingRunning() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        sup = servedWithOneChild(started);
        ForeignContext ctx = new ForeignContext();
        IllegalStateException bug = new IllegalStateException("onStop bug");
        ctx.onStopThrows = bug;
        Thread[] serving = new Thread[1];
        assertThat(serveInBackground(sup, ctx, serving).get(BOUND_S, TimeUnit.SECONDS)).isSameAs(bug);
        assertThat(sup.state()).isEqualTo(SupervisorState.TERMINATED);
        assertThat(log.await(SupervisorTerminated.class).supervisor()).isEqualTo("served");
    }

    @Test
    void aForeignContextThatNeverRunsOnStopActionsStillStopsTheServedSupervisorOnItsInterrupt() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        sup = servedWithOneChild(started);
        ForeignContext ctx = new ForeignContext();
        Thread[] serving = new Thread[1];
        CompletableFuture<Throwable> served = serveInBackground(sup, ctx, serving);
        assertThat(started.await(BOUND_S, TimeUnit.SECONDS)).isTrue();
        ctx.stopping = true;               // its stop request: the flag and the interrupt, no onStop action
        serving[0].interrupt();
        assertThat(served.get(BOUND_S, TimeUnit.SECONDS)).isNull();
        assertThat(sup.state()).isEqualTo(SupervisorState.TERMINATED);
    }

    @Test
    void aForeignContextWhoseIsStoppingThrowsOnTheInterruptStopsTheRunAndServeThrowsIt() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        sup = servedWithOneChild(started);
        ForeignContext ctx = new ForeignContext();
        Thread[] serving = new Thread[1];
        CompletableFuture<Throwable> served = serveInBackground(sup, ctx, serving);
        assertThat(started.await(BOUND_S, TimeUnit.SECONDS)).isTrue();
        IllegalStateException bug = new IllegalStateException("isStopping bug");
        ctx.isStoppingThrows = bug;
        serving[0].interrupt();
        assertThat(served.get(BOUND_S, TimeUnit.SECONDS)).isSameAs(bug);
        assertThat(sup.state()).isEqualTo(SupervisorState.TERMINATED);
    }

    /** An exception whose getCause() is overridden and throws. */
    private static final class BrokenCause extends RuntimeException {
        private final Throwable thrownByGetCause;

        BrokenCause(Throwable thrownByGetCause) {
            super("a failure with a broken getCause()");
            this.thrownByGetCause = thrownByGetCause;
        }

        @Override
        public synchronized Throwable getCause() {
            throw Faults.sneaky(thrownByGetCause);
        }
    }

    @Test
    void aFailureWhoseGetCauseThrowsIsAnOrdinaryFailure() throws Exception {
        sup = Supervisor.builder("sup").clock(clock).onEvent(log).build();
        BrokenCause failure = new BrokenCause(new IllegalStateException("getCause bug"));
        sup.add("flaky", ctx -> {
            if (ctx.restarts() == 0) {
                throw failure;
            }
            ctx.awaitStop();
        });
        sup.start();
        log.next(ServiceStarted.class);
        ServiceFailed failed = log.next(ServiceFailed.class);
        assertThat(failed.cause()).isSameAs(failure);
        assertThat(failed.restarting()).isTrue();
        assertThat(log.next(ServiceStarted.class).restarts()).isEqualTo(1);
    }

    @Test
    void aFailureWhoseGetCauseThrowsAFatalErrorTerminatesTheSupervisorWithIt() throws Exception {
        sup = Supervisor.builder("sup").clock(clock).onEvent(log).build();
        OutOfMemoryError oom = new OutOfMemoryError("injected in getCause()");
        BrokenCause failure = new BrokenCause(oom);
        sup.add("flaky", ctx -> {
            throw failure;
        });
        CompletableFuture<Throwable> run = runInBackground(sup);
        assertThat(log.await(ServiceFailed.class).cause()).isSameAs(failure);
        assertThat(run.get(BOUND_S, TimeUnit.SECONDS)).isSameAs(oom);
    }
}
