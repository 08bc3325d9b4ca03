package dev.arbor.stress;

import dev.arbor.ChildSpec;
import dev.arbor.StopReport;
import dev.arbor.Supervisor;
import dev.arbor.SupervisorState;
import dev.arbor.UnstoppedService;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * stop() from two threads at once, with a child that ignores its stop (zero shutdown timeout:
 * abandoned at once) and one that stops. Both calls return, with equal reports naming exactly the
 * hung child. r1: 1 if both reports are equal; r2: 1 if they name exactly the hung child and the
 * supervisor is TERMINATED.
 */
@JCStressTest
@Description("stop() from two threads at once")
@Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "the same report for both")
@Outcome(expect = FORBIDDEN, desc = "different or wrong reports")
@State
public class StopFromTwoThreads {
    final CountDownLatch release = new CountDownLatch(1);
    final AtomicInteger live = new AtomicInteger();
    final Supervisor sup = Stress.quiet("stopTwice").build();
    volatile StopReport first;
    volatile StopReport second;

    public StopFromTwoThreads() {
        sup.add("calm", Stress.awaitingStop(live));
        sup.add(ChildSpec.of("hung", ctx -> {
            while (true) {
                try {
                    release.await();
                    return;
                } catch (InterruptedException ignored) {
                    // ignores its stop request
                }
            }
        }).withShutdownTimeout(Duration.ZERO));
        sup.start();
    }

    @Actor
    public void stop1() {
        first = Stress.stop(sup);
    }

    @Actor
    public void stop2() {
        second = Stress.stop(sup);
    }

    @Arbiter
    public void check(II_Result r) {
        r.r1 = first != null && first.equals(second) ? 1 : 0;
        r.r2 = first != null && first.unstopped().equals(List.of(new UnstoppedService(List.of("stopTwice"), "hung")))
                && sup.state() == SupervisorState.TERMINATED && live.get() == 0 ? 1 : 0;
        release.countDown();
    }
}
