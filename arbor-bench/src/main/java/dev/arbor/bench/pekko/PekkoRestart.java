package dev.arbor.bench.pekko;

import dev.arbor.bench.Params;
import dev.arbor.bench.Results;
import dev.arbor.bench.Workload;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Pekko typed, workload 1: one child actor under {@code SupervisorStrategy.restart()} (unlimited, no
 * back-off) that fails at once on every start.
 *
 * <p>"At once" is on the first message, which the child sends itself from {@code setup}: Pekko's restart
 * strategy refuses to restart an actor whose {@code setup} throws when restarts are unlimited, and with a
 * limit it restarts a failing {@code setup} recursively on one stack (it overflows long before 100,000).
 */
public final class PekkoRestart implements Workload {
    @Override
    public void run(Params p, Results out, int run) throws Exception {
        int starts = p.n() + 1;
        long[] at = new long[starts];
        AtomicInteger next = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(1);
        Behavior<String> child = Behaviors.setup(ctx -> {
            int k = next.getAndIncrement();
            at[k] = System.nanoTime();
            if (k + 1 == starts) {
                done.countDown();
                return Behaviors.empty();
            }
            ctx.getSelf().tell("fail");
            return Behaviors.receiveMessage(m -> {
                throw new RuntimeException("boom");
            });
        });
        ActorSystem<Void> system = PekkoSystems.create(Behaviors.setup(ctx -> {
            ctx.spawn(PekkoSystems.supervised(child), "failer");
            return Behaviors.empty();
        }), "restart");
        try {
            if (!done.await(PekkoSystems.WAIT.toSeconds(), TimeUnit.SECONDS)) {
                throw new IllegalStateException("only " + next.get() + " of " + starts + " starts");
            }
        } finally {
            PekkoSystems.terminate(system);
        }
        out.emitRestart(at, starts, run);
    }
}
