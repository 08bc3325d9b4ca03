package dev.arbor.bench.pekko;

import dev.arbor.bench.Measure;
import dev.arbor.bench.Params;
import dev.arbor.bench.Results;
import dev.arbor.bench.Workload;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Pekko typed, workload tree: a three-level tree of parent actors over N idle leaves. On request the
 * guardian spawns the root, the root spawns 10 actors in its {@code setup}, each of them 10 more, and
 * each of those 100 bottom actors its N/100 leaves; every actor of the tree is under the restart strategy
 * (Pekko's way of supervising a child), the leaves wait for messages as in {@link PekkoSpawnStop}. Spawn
 * is timed from the request until the last leaf has run its {@code setup}. Stop makes the root stop
 * itself, which stops its children, each of them theirs, all at once; it is timed until the guardian,
 * watching the root, sees it terminated (a parent terminates only after all its children have).
 *
 * <p>There is no Pekko side of workload events: Pekko typed has no listener for supervision events
 * (a restart is only logged, and logging is off).
 */
public final class PekkoTree implements Workload {
    sealed interface Cmd {}

    record Build() implements Cmd {}

    record Stop() implements Cmd {}

    @Override
    public void run(Params p, Results out, int run) throws Exception {
        int per = p.n() / 100;
        if (per < 1) {
            throw new IllegalArgumentException("tree needs at least 100 leaves, got --n " + p.n());
        }
        int n = per * 100;
        AtomicInteger running = new AtomicInteger();
        CountDownLatch all = new CountDownLatch(1);
        CountDownLatch rootGone = new CountDownLatch(1);

        Behavior<Object> leaf = PekkoSystems.supervised(Behaviors.setup(ctx -> {
            if (running.incrementAndGet() == n) {
                all.countDown();
            }
            return Behaviors.receiveMessage(m -> Behaviors.same());
        }));
        Behavior<Cmd> bottom = parent(leaf, per);
        Behavior<Cmd> mid = parent(bottom, 10);
        Behavior<Cmd> root = parent(mid, 10);
        ActorSystem<Cmd> system = PekkoSystems.create(Behaviors.<Cmd>setup(ctx -> {
            ActorRef<?>[] ref = new ActorRef<?>[1];
            return Behaviors.receive(Cmd.class)
                    .onMessage(Build.class, b -> {
                        ActorRef<Cmd> r = ctx.spawn(root, "root");
                        ctx.watch(r);
                        ref[0] = r;
                        return Behaviors.same();
                    })
                    .onMessage(Stop.class, s -> {
                        @SuppressWarnings("unchecked")
                        ActorRef<Cmd> r = (ActorRef<Cmd>) ref[0];
                        r.tell(s);
                        return Behaviors.same();
                    })
                    .onSignal(Terminated.class, t -> {
                        rootGone.countDown();
                        return Behaviors.same();
                    })
                    .build();
        }), "tree");
        try {
            long heap0 = Measure.heapAfterGc();
            long rss0 = Measure.rssBytes();

            long t0 = System.nanoTime();
            system.tell(new Build());
            if (!all.await(PekkoSystems.WAIT.toSeconds(), TimeUnit.SECONDS)) {
                throw new IllegalStateException("only " + running.get() + " of " + n + " leaves started");
            }
            long t1 = System.nanoTime();
            long heap = Measure.heapAfterGc() - heap0;
            long rss = Measure.rssBytes() - rss0;
            out.emit("tree_spawn", "ns_per_leaf", "ns", (double) (t1 - t0) / n, run, n);
            out.emit("tree_spawn", "total_ms", "ms", (t1 - t0) / 1e6, run, n);
            out.emit("tree_spawn", "heap_per_leaf", "B", (double) heap / n, run, n);
            out.emit("tree_spawn", "rss_per_leaf", "B", (double) rss / n, run, n);

            long t2 = System.nanoTime();
            system.tell(new Stop());
            if (!rootGone.await(PekkoSystems.WAIT.toSeconds(), TimeUnit.SECONDS)) {
                throw new IllegalStateException("the root did not stop");
            }
            long t3 = System.nanoTime();
            out.emit("tree_stop", "ns_per_leaf", "ns", (double) (t3 - t2) / n, run, n);
            out.emit("tree_stop", "total_ms", "ms", (t3 - t2) / 1e6, run, n);
        } finally {
            PekkoSystems.terminate(system);
        }
    }

    /** A parent that spawns {@code count} children in its {@code setup}, under the restart strategy; stops on {@link Stop}. */
    private static Behavior<Cmd> parent(Behavior<?> child, int count) {
        return PekkoSystems.supervised(Behaviors.setup(ctx -> {
            for (int i = 0; i < count; i++) {
                ctx.spawn(child, "c" + i);
            }
            return Behaviors.receive(Cmd.class)
                    .onMessage(Stop.class, s -> Behaviors.stopped())
                    .build();
        }));
    }
}
