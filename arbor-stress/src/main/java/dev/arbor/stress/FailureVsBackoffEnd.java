package dev.arbor.stress;

import dev.arbor.ChildInfo;
import dev.arbor.ChildState;
import dev.arbor.Jitter;
import dev.arbor.Supervisor;
import dev.arbor.SupervisorState;
import dev.arbor.testing.ManualClock;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * A failure racing the end of a backoff. Threshold 0 (every failure backs off), zero backoff (it
 * ends at the clock's next advance). Child a failed at start, so a backoff is on; actor 1 ends it
 * (advance), actor 2 makes child b fail. Whatever the order, no child may be left waiting for a
 * backoff that is not running (a lost wake-up), and the next backoff end restarts everyone.
 * r1: 1 if, once b's failure was handled, every child waiting in BACKOFF has the supervisor in
 * BACKOFF; r2: 1 if one more advance leaves every child RUNNING and the supervisor RUNNING.
 */
@JCStressTest
@Description("a failure vs a backoff ending")
@Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "consistent, whatever the order")
@Outcome(expect = FORBIDDEN, desc = "a child stranded in BACKOFF")
@State
public class FailureVsBackoffEnd {
    final ManualClock clock = new ManualClock();
    final AtomicInteger live = new AtomicInteger();
    final CountDownLatch bFails = new CountDownLatch(1);
    final Supervisor sup = Supervisor.builder("failureVsBackoffEnd").clock(clock).onEvent(e -> { })
            .failureThreshold(0).failureBackoff(Duration.ZERO).backoffJitter(Jitter.none()).build();

    public FailureVsBackoffEnd() {
        sup.add("a", ctx -> {
            if (ctx.restarts() == 0) {
                throw new IllegalStateException("a fails at once");
            }
            ctx.awaitStop();
        });
        sup.add("b", ctx -> {
            if (ctx.restarts() == 0) {
                bFails.await();
                throw new IllegalStateException("b fails when told");
            }
            ctx.awaitStop();
        });
        sup.start();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (Stress.child(sup, "a").state() != ChildState.BACKOFF && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
    }

    @Actor
    public void backoffEnds() {
        clock.advance(Duration.ZERO);
    }

    @Actor
    public void bFails() {
        bFails.countDown();
    }

    @Arbiter
    public void check(II_Result r) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        ChildInfo b;
        while ((b = Stress.child(sup, "b")).state() == ChildState.RUNNING && b.restarts() == 0
                && System.nanoTime() < deadline) {
            Thread.onSpinWait();          // until b's failure was handled
        }
        boolean waiting = sup.children().stream().anyMatch(c -> c.state() == ChildState.BACKOFF);
        r.r1 = !waiting || sup.state() == SupervisorState.BACKOFF ? 1 : 0;
        clock.advance(Duration.ZERO);
        boolean allRunning = sup.children().stream().allMatch(c -> c.state() == ChildState.RUNNING);
        r.r2 = allRunning && sup.state() == SupervisorState.RUNNING ? 1 : 0;
        Stress.stop(sup);
    }
}
