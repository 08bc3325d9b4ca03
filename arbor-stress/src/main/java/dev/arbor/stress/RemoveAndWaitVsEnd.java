package dev.arbor.stress;

import dev.arbor.ChildSpec;
import dev.arbor.Restart;
import dev.arbor.ServiceRef;
import dev.arbor.StopReport;
import dev.arbor.Supervisor;
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
 * removeAndWait() with a 1 µs timeout racing the (TRANSIENT) child returning by itself. The wait
 * may win or give up; either way giving up leaves nothing behind: the child is gone, no run is
 * alive, and stop() afterwards is clean. r1: removeAndWait's result; r2: 1 if all that holds.
 */
@JCStressTest
@Description("removeAndWait timing out vs the child ending")
@Outcome(id = "0, 1", expect = ACCEPTABLE, desc = "gave up (or the child had completed already)")
@Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "the run ended within the wait")
@Outcome(expect = FORBIDDEN, desc = "a child or run left behind")
@State
public class RemoveAndWaitVsEnd {
    final AtomicInteger live = new AtomicInteger();
    final CountDownLatch end = new CountDownLatch(1);
    final Supervisor sup = Stress.quiet("removeAndWaitVsEnd").build();
    final ServiceRef ref;

    public RemoveAndWaitVsEnd() {
        ref = sup.add(ChildSpec.of("c", ctx -> {
            live.incrementAndGet();
            try {
                end.await();
            } catch (InterruptedException stopped) {
                // the removal's stop request
            } finally {
                live.decrementAndGet();
            }
        }).withRestart(Restart.TRANSIENT));
        sup.start();
    }

    @Actor
    public void removeAndWait(II_Result r) {
        try {
            r.r1 = sup.removeAndWait(ref, Duration.ofNanos(1_000)) ? 1 : 0;
        } catch (InterruptedException e) {
            r.r1 = 9;
        }
    }

    @Actor
    public void end() {
        end.countDown();
    }

    @Arbiter
    public void check(II_Result r) {
        StopReport report = Stress.stop(sup);
        r.r2 = report.clean() && live.get() == 0 && sup.children().isEmpty() ? 1 : 0;
    }
}
