package dev.arbor.stress;

import dev.arbor.ServiceRef;
import dev.arbor.StopReport;
import dev.arbor.Supervisor;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * remove() racing the child's own failure. Whichever comes first (a failure restarts the
 * PERMANENT child, whose new run is then removed; or the removal's stop request turns the
 * failure into a stop), remove returns true, the child is gone, and after stop() no run is alive.
 * r1: remove's result; r2: 1 if the child is still listed after stop(); r3: 1 if the report is
 * clean and no run is alive.
 */
@JCStressTest
@Description("remove vs the child failing")
@Outcome(id = "1, 0, 1", expect = ACCEPTABLE, desc = "removed, whatever the order")
@Outcome(expect = FORBIDDEN, desc = "a lost or restarted-after-removal child, or a live run")
@State
public class RemoveVsFailure {
    final AtomicInteger live = new AtomicInteger();
    final CountDownLatch fail = new CountDownLatch(1);
    final Supervisor sup = Stress.quiet("removeVsFailure").build();
    final ServiceRef ref;

    public RemoveVsFailure() {
        ref = sup.add("c", ctx -> {
            live.incrementAndGet();
            try {
                if (ctx.restarts() == 0) {
                    fail.await();
                    throw new IllegalStateException("fails");
                }
                ctx.awaitStop();
            } finally {
                live.decrementAndGet();
            }
        });
        sup.start();
    }

    @Actor
    public void remove(III_Result r) {
        r.r1 = sup.remove(ref) ? 1 : 0;
    }

    @Actor
    public void failure() {
        fail.countDown();
    }

    @Arbiter
    public void check(III_Result r) {
        StopReport report = Stress.stop(sup);
        r.r2 = sup.children().isEmpty() ? 0 : 1;
        r.r3 = report.clean() && live.get() == 0 ? 1 : 0;
    }
}
