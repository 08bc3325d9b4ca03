package dev.arbor.bench.pekko;

import dev.arbor.bench.Measure;
import dev.arbor.bench.Params;
import dev.arbor.bench.Results;
import dev.arbor.bench.Workload;
import dev.arbor.bench.floor.FloorSpawnStop;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Pekko typed, workloads 2 and 3: one parent actor spawns N idle children, each under the restart strategy;
 * spawn is timed from the request until the last child has run its {@code setup}. Stop makes the parent
 * stop itself, which stops all its children at once; it is timed until the guardian, watching the parent,
 * sees it terminated (a parent terminates only after all its children have).
 */
public final class PekkoSpawnStop implements Workload {
    sealed interface Cmd {}

    record Spawn(int n) implements Cmd {}

    record Stop() implements Cmd {}

    @Override
    public void run(Params p, Results out, int run) throws Exception {
        int n = p.n();
        AtomicInteger running = new AtomicInteger();
        CountDownLatch all = new CountDownLatch(1);
        CountDownLatch parentGone = new CountDownLatch(1);
        CompletableFuture<ActorRef<Cmd>> parentRef = new CompletableFuture<>();

        Behavior<Object> idle = PekkoSystems.supervised(Behaviors.setup(ctx -> {
            if (running.incrementAndGet() == n) {
                all.countDown();
            }
            return Behaviors.receiveMessage(m -> Behaviors.same());
        }));
        Behavior<Cmd> parent = Behaviors.setup(ctx -> Behaviors.receive(Cmd.class)
                .onMessage(Spawn.class, s -> {
                    for (int i = 0; i < s.n(); i++) {
                        ctx.spawn(idle, "c" + i);
                    }
                    return Behaviors.same();
                })
                .onMessage(Stop.class, s -> Behaviors.stopped())
                .build());
        ActorSystem<Void> system = PekkoSystems.create(Behaviors.<Void>setup(ctx -> {
            ActorRef<Cmd> ref = ctx.spawn(parent, "parent");
            ctx.watch(ref);
            parentRef.complete(ref);
            return Behaviors.receive(Void.class)
                    .onSignal(Terminated.class, t -> {
                        parentGone.countDown();
                        return Behaviors.same();
                    })
                    .build();
        }), "spawnstop");
        try {
            ActorRef<Cmd> ref = parentRef.get(30, TimeUnit.SECONDS);
            long heap0 = Measure.heapAfterGc();
            long rss0 = Measure.rssBytes();

            long t0 = System.nanoTime();
            ref.tell(new Spawn(n));
            if (!all.await(PekkoSystems.WAIT.toSeconds(), TimeUnit.SECONDS)) {
                throw new IllegalStateException("only " + running.get() + " of " + n + " children started");
            }
            long t1 = System.nanoTime();
            FloorSpawnStop.emitSpawn(out, run, n, t1 - t0, Measure.heapAfterGc() - heap0, Measure.rssBytes() - rss0);

            long t2 = System.nanoTime();
            ref.tell(new Stop());
            if (!parentGone.await(PekkoSystems.WAIT.toSeconds(), TimeUnit.SECONDS)) {
                throw new IllegalStateException("the parent did not stop");
            }
            long t3 = System.nanoTime();
            FloorSpawnStop.emitStop(out, run, n, t3 - t2);
        } finally {
            PekkoSystems.terminate(system);
        }
    }
}
