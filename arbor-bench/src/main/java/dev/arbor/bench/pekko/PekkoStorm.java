package dev.arbor.bench.pekko;

import dev.arbor.bench.Measure;
import dev.arbor.bench.Params;
import dev.arbor.bench.Results;
import dev.arbor.bench.Workload;
import dev.arbor.bench.floor.StormClock;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Pekko typed, workload 4: C children under Pekko's plain {@code restart()} strategy (its defaults:
 * unlimited, no back-off), each failing on the first message it sends itself at start (see
 * {@link PekkoRestart} for why not in {@code setup}). Pekko has no storm protection unless one opts into
 * {@code restartWithBackoff}.
 */
public final class PekkoStorm implements Workload {
    private volatile boolean on;

    @Override
    public void run(Params p, Results out, int run) throws Exception {
        int c = p.children();
        LongAdder starts = new LongAdder();
        CountDownLatch ready = new CountDownLatch(1);
        on = true;
        Behavior<String> child = Behaviors.setup(ctx -> {
            starts.increment();
            if (on) { // once the window has closed, the storm ends so that the system can terminate
                ctx.getSelf().tell("fail");
            }
            return Behaviors.receiveMessage(m -> {
                throw new RuntimeException("boom");
            });
        });
        Behavior<String> supervised = PekkoSystems.supervised(child);
        ActorSystem<String> system = PekkoSystems.create(Behaviors.setup(ctx -> {
            ready.countDown();
            return Behaviors.receiveMessage(m -> {
                for (int i = 0; i < c; i++) {
                    ctx.spawn(supervised, "c" + i);
                }
                return Behaviors.same();
            });
        }), "storm");
        try {
            ready.await(30, TimeUnit.SECONDS);
            double cpu0 = Measure.cpuSeconds();
            long t0 = System.nanoTime();
            system.tell("spawn");
            StormClock.sleepUntil(t0, p.seconds());
            double cpu = Measure.cpuSeconds() - cpu0;
            long restarts = starts.sum() - c;
            StormClock.emit(out, run, c, cpu, restarts, p.seconds());
        } finally {
            on = false;
            PekkoSystems.terminate(system);
        }
    }
}
