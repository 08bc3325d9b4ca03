package dev.arbor.stress;

import dev.arbor.ChildInfo;
import dev.arbor.ChildState;
import dev.arbor.StopReport;
import dev.arbor.Supervisor;
import dev.arbor.SupervisorState;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

import java.util.concurrent.atomic.AtomicInteger;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * add() racing stop() on a running supervisor. r1: 1 added, 2 rejected with an
 * IllegalStateException that says the supervisor is stopping or terminated, 3 anything else.
 * r2: 1 when, after both, the supervisor is TERMINATED with a clean report, no run is alive, and
 * an added child is kept as WAITING (its run was stopped with the others, or never started).
 */
@JCStressTest
@Description("add vs stop")
@Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "added first; stopped with the others")
@Outcome(id = "2, 1", expect = ACCEPTABLE, desc = "rejected: the supervisor was already stopping")
@Outcome(expect = FORBIDDEN, desc = "a lost child, a live run, or a wrong rejection")
@State
public class AddVsStop {
    final AtomicInteger live = new AtomicInteger();
    final Supervisor sup = Stress.quiet("addVsStop").build();
    volatile StopReport report;

    public AddVsStop() {
        sup.add("first", Stress.awaitingStop(live));
        sup.start();
    }

    @Actor
    public void add(II_Result r) {
        try {
            sup.add("x", Stress.awaitingStop(live));
            r.r1 = 1;
        } catch (IllegalStateException e) {
            String m = String.valueOf(e.getMessage());
            r.r1 = m.contains("addVsStop") && (m.contains("stopping") || m.contains("terminated")) ? 2 : 3;
        }
    }

    @Actor
    public void stop() {
        report = Stress.stop(sup);
    }

    @Arbiter
    public void check(II_Result r) {
        ChildInfo x = Stress.child(sup, "x");
        boolean ok = report != null && report.clean() && sup.state() == SupervisorState.TERMINATED && live.get() == 0
                && (r.r1 != 1 || (x != null && x.state() == ChildState.WAITING))
                && (r.r1 == 1 || x == null);
        r.r2 = ok ? 1 : 0;
    }
}
