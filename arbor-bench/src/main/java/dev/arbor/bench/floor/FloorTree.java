package dev.arbor.bench.floor;

import dev.arbor.bench.Measure;
import dev.arbor.bench.Params;
import dev.arbor.bench.Results;
import dev.arbor.bench.Workload;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntFunction;

/**
 * Floor, workload 6: the tree's shape in bare virtual threads, no supervision. Each of the 111 inner nodes
 * (a root, {@value #FANOUT} under it, {@value #FANOUT} under each of those) is a virtual thread that starts
 * its children's threads and parks; interrupted, it interrupts its children, joins them and ends. Each of the
 * N leaves parks until interrupted. Spawn is timed from starting the root's thread until the last leaf runs;
 * stop interrupts the root and joins it. The named variant ({@code floor-named}) names every thread
 * {@code "<parent>/<name>"} and keeps every name, as a supervised tree must.
 */
public final class FloorTree implements Workload {
    /** Supervisors under the root, and under each of those. */
    public static final int FANOUT = 10;
    /** Supervisors on the bottom level: each holds N / BOTTOM leaves. */
    public static final int BOTTOM = FANOUT * FANOUT;

    private final boolean named;
    private final AtomicInteger nextHeld = new AtomicInteger();
    private String[] held; // the named variant's names

    public FloorTree(boolean named) {
        this.named = named;
    }

    /** The leaves of a tree for {@code --n}: a multiple of {@link #BOTTOM}, at least one per bottom node. */
    public static int leaves(int n) {
        return Math.max(BOTTOM, n / BOTTOM * BOTTOM);
    }

    @Override
    public void run(Params p, Results out, int run) throws Exception {
        int leaves = leaves(p.n());
        int perBottom = leaves / BOTTOM;
        AtomicInteger running = new AtomicInteger();
        CountDownLatch all = new CountDownLatch(1);
        Runnable leaf = () -> {
            if (running.incrementAndGet() == leaves) {
                all.countDown();
            }
            while (!Thread.currentThread().isInterrupted()) {
                LockSupport.park();
            }
        };
        long heap0 = Measure.heapAfterGc();
        long rss0 = Measure.rssBytes();

        long t0 = System.nanoTime();
        held = named ? new String[leaves + 1 + FANOUT + BOTTOM] : null;
        nextHeld.set(0);
        Thread root = start("root", null, () -> node("root", FANOUT, m -> "m" + m, m -> () -> node("m" + m, FANOUT,
                b -> "b" + b, b -> () -> node("b" + (m * FANOUT + b), perBottom, i -> "c" + i, i -> leaf))));
        if (!all.await(120, TimeUnit.SECONDS)) {
            throw new IllegalStateException("only " + running.get() + " of " + leaves + " leaves started");
        }
        long t1 = System.nanoTime();
        emitSpawn(out, run, leaves, t1 - t0, Measure.heapAfterGc() - heap0, Measure.rssBytes() - rss0);

        long t2 = System.nanoTime();
        Thread.ofVirtual().start(() -> {  // a virtual stopper, as in FloorSpawnStop
            root.interrupt();
            try {
                root.join();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }).join();
        long t3 = System.nanoTime();
        emitStop(out, run, leaves, t3 - t2);
        held = null;
    }

    /** An inner node: starts its children, parks until interrupted, then stops and joins them. */
    private void node(String self, int count, IntFunction<String> nameOf, IntFunction<Runnable> bodyOf) {
        Thread[] kids = new Thread[count];
        for (int i = 0; i < count; i++) {
            kids[i] = start(nameOf.apply(i), self, bodyOf.apply(i));
        }
        while (!Thread.currentThread().isInterrupted()) {
            LockSupport.park();
        }
        for (Thread k : kids) {
            k.interrupt();
        }
        for (Thread k : kids) {
            boolean interrupted = false;
            while (true) {
                try {
                    k.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private Thread start(String name, String parent, Runnable body) {
        if (!named) {
            return Thread.ofVirtual().start(body);
        }
        held[nextHeld.getAndIncrement()] = name; // kept for as long as the tree lives, as a supervisor keeps it
        return Thread.ofVirtual().name(parent == null ? name : parent + "/" + name).start(body);
    }

    public static void emitSpawn(Results out, int run, int leaves, long nanos, long heapBytes, long rssBytes) {
        FloorSpawnStop.emitSpawn(out, "tree_spawn", "leaf", run, leaves, nanos, heapBytes, rssBytes);
    }

    public static void emitStop(Results out, int run, int leaves, long nanos) {
        FloorSpawnStop.emitStop(out, "tree_stop", "leaf", run, leaves, nanos);
    }
}
