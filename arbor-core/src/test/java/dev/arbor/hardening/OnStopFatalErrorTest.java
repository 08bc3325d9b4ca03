package dev.arbor.hardening;

import dev.arbor.ChildSpec;
import dev.arbor.ServiceContext;
import dev.arbor.ServiceRef;
import dev.arbor.Supervisor;
import dev.arbor.SupervisorEvent.ServiceStarted;
import dev.arbor.SupervisorEvent.ServiceStopped;
import dev.arbor.SupervisorEvent.SupervisorTerminated;
import dev.arbor.SupervisorState;
import dev.arbor.support.EventLog;
import dev.arbor.support.Eventually;
import dev.arbor.support.Stopper;
import dev.arbor.testing.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static dev.arbor.hardening.UserCallbackFaultTest.runInBackground;
import static dev.arbor.hardening.UserCallbackFaultTest.stopWithin;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 8, item 3: a fatal JVM error (a VirtualMachineError other than StackOverflowError) thrown
 * by an onStop action is treated as one thrown by the run after its stop request: the supervisor
 * terminates with it (it beats a stop as the cause), it passes up the tree, and the root's run()
 * throws it. One that arrives after its supervisor terminated goes to the parent. Any other
 * throwable from an onStop action is logged, and the next action runs.
 */
class OnStopFatalErrorTest {
    private static final long BOUND_S = EventLog.BOUND.toSeconds();

    private final ManualClock clock = new ManualClock();
    private final EventLog log = new EventLog();
    private Supervisor root;

    @AfterEach
    void stopRoot() throws Exception {
        Stopper.stop(root);
    }

    private Supervisor.Builder builder(String name) {
        return Supervisor.builder(name).clock(clock).onEvent(log);
    }

    /** A service that registers {@code action} and waits for its stop. */
    private static void serveWith(ServiceContext ctx, Runnable action) throws InterruptedException {
        ctx.onStop(action);
        ctx.awaitStop();
    }

    @Test
    void aFatalErrorFromAnOnStopActionOfARemovedChildTerminatesTheSupervisor() throws Exception {
        OutOfMemoryError oom = new OutOfMemoryError("injected in onStop");
        root = builder("root").build();
        ServiceRef victim = root.add("victim", ctx -> serveWith(ctx, () -> {
            throw oom;
        }));
        root.add("bystander", ctx -> ctx.awaitStop());
        CompletableFuture<Throwable> run = runInBackground(root);
        log.next(ServiceStarted.class);
        log.next(ServiceStarted.class);
        assertThat(root.remove(victim)).isTrue();
        assertThat(run.get(BOUND_S, TimeUnit.SECONDS)).isSameAs(oom);
        assertThat(root.terminationCause()).containsSame(oom);
        assertThat(log.await(SupervisorTerminated.class).cause()).isSameAs(oom);
        assertThat(log.all()).filteredOn(e -> e instanceof ServiceStopped).hasSize(2);
    }

    @Test
    void aFatalErrorFromAnOnStopActionDuringAStopBeatsTheStopAsTheCause() throws Exception {
        OutOfMemoryError oom = new OutOfMemoryError("injected in onStop");
        CountDownLatch actionDone = new CountDownLatch(1);
        root = builder("root").build();
        root.add("victim", ctx -> {
            ctx.onStop(() -> {
                actionDone.countDown();
                throw oom;
            });
            ctx.awaitStop();
            Thread.interrupted();       // the stop request's interrupt: this run goes on until the error arrived
            UserCallbackFaultTest.awaitIgnoringInterrupts(actionDone);
            // The run ends only once the error reached the supervisor (still stopping: waiting for this run).
            Eventually.until("the onStop action's error reaches the supervisor", () -> root.terminationCause().isPresent());
        });
        CompletableFuture<Throwable> run = runInBackground(root);
        log.next(ServiceStarted.class);
        stopWithin(root);
        assertThat(run.get(BOUND_S, TimeUnit.SECONDS)).isSameAs(oom);
        assertThat(root.terminationCause()).containsSame(oom);
    }

    /** An action added after the stop request runs at once on the caller's thread; its fatal error counts the same. */
    @Test
    void aFatalErrorFromAnActionAddedAfterTheStopRequestCountsTheSame() throws Exception {
        OutOfMemoryError oom = new OutOfMemoryError("injected in a late onStop");
        root = builder("root").build();
        root.add("victim", ctx -> {
            ctx.awaitStop();
            ctx.onStop(() -> {
                throw oom;
            });
        });
        CompletableFuture<Throwable> run = runInBackground(root);
        log.next(ServiceStarted.class);
        stopWithin(root);
        assertThat(run.get(BOUND_S, TimeUnit.SECONDS)).isSameAs(oom);
    }

    @Test
    void anOrdinaryErrorFromAnOnStopActionIsLoggedAndTheNextActionRuns() throws Exception {
        CountDownLatch second = new CountDownLatch(1);
        root = builder("root").build();
        ServiceRef victim = root.add("victim", ctx -> {
            ctx.onStop(() -> {
                throw new AssertionError("onStop bug");
            });
            ctx.onStop(second::countDown);
            ctx.awaitStop();
        });
        root.add("bystander", ctx -> ctx.awaitStop());
        root.start();
        log.next(ServiceStarted.class);
        log.next(ServiceStarted.class);
        root.remove(victim);
        assertThat(second.await(BOUND_S, TimeUnit.SECONDS)).isTrue();
        assertThat(log.next(ServiceStopped.class).service()).isEqualTo("victim");
        assertThat(root.state()).isEqualTo(SupervisorState.RUNNING);
        assertThat(stopWithin(root).clean()).isTrue();
        assertThat(root.terminationCause()).isEmpty();
    }

    @Test
    void aFatalErrorFromAnOnStopActionDeepInATreeReachesTheRoot() throws Exception {
        OutOfMemoryError oom = new OutOfMemoryError("injected deep down");
        root = builder("root").build();
        Supervisor sub = Supervisor.builder("sub").clock(clock).propagateTermination(false).build();
        ServiceRef victim = sub.add("victim", ctx -> serveWith(ctx, () -> {
            throw oom;
        }));
        root.add("sub", sub);
        CompletableFuture<Throwable> run = runInBackground(root);
        log.await(ServiceStarted.class, e -> e.service().equals("victim"));
        sub.remove(victim);
        assertThat(run.get(BOUND_S, TimeUnit.SECONDS)).isSameAs(oom);
        assertThat(sub.terminationCause()).containsSame(oom);
    }

    /**
     * The action blocks past its supervisor's end (sub is removed and terminates), then throws:
     * sub's run is over and cannot end with it any more, so its parent terminates with it.
     */
    @Test
    void aFatalErrorArrivingAfterItsSupervisorTerminatedGoesToTheParent() throws Exception {
        OutOfMemoryError oom = new OutOfMemoryError("injected late");
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch registered = new CountDownLatch(1);
        root = builder("root").build();
        Supervisor sub = Supervisor.builder("sub").clock(clock).build();
        sub.add("victim", ctx -> {
            ctx.onStop(() -> {
                UserCallbackFaultTest.awaitIgnoringInterrupts(release);
                throw oom;
            });
            registered.countDown();     // registered before the stop request: it runs on its own thread
            ctx.awaitStop();
        });
        ServiceRef subRef = root.add(ChildSpec.of("sub", sub));
        root.add("bystander", ctx -> ctx.awaitStop());
        CompletableFuture<Throwable> run = runInBackground(root);
        log.await(ServiceStarted.class, e -> e.service().equals("bystander"));
        assertThat(registered.await(BOUND_S, TimeUnit.SECONDS)).isTrue();
        root.remove(subRef);
        log.await(ServiceStopped.class, e -> e.service().equals("sub"));
        assertThat(sub.state()).isEqualTo(SupervisorState.TERMINATED);
        assertThat(root.state()).isEqualTo(SupervisorState.RUNNING);
        release.countDown();
        assertThat(run.get(BOUND_S, TimeUnit.SECONDS)).isSameAs(oom);
        assertThat(root.terminationCause()).containsSame(oom);
    }
}
