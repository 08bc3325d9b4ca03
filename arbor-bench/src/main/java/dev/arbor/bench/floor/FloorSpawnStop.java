package dev.arbor.bench.floor;

import dev.arbor.bench.Measure;
import dev.arbor.bench.Params;
import dev.arbor.bench.Results;
import dev.arbor.bench.Workload;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Floor, workloads 2 and 3: N bare virtual threads that park until interrupted. Spawn is timed until the
 * last one has begun to run (they are started from the caller's thread, as every system's children are);
 * stop interrupts all of them, then joins all of them, from one virtual thread.
 *
 * <p>The named variant ({@code floor-named}) keeps what any supervised child has to keep, and nothing
 * else: its thread is named {@code "spawn/c<i>"}, as a supervisor {@code spawn} names its child
 * {@code c<i>}'s thread, and the child's name {@code c<i>} is held for as long as the thread lives. It is
 * the floor against which the heap per supervised child is judged.
 */
public final class FloorSpawnStop implements Workload {
    private final boolean named;

    public FloorSpawnStop(boolean named) {
        this.named = named;
    }

    @Override
    public void run(Params p, Results out, int run) throws Exception {
        int n = p.n();
        String[] names = named ? new String[n] : null;
        AtomicInteger running = new AtomicInteger();
        CountDownLatch all = new CountDownLatch(1);
        Runnable idle = () -> {
            if (running.incrementAndGet() == n) {
                all.countDown();
            }
            while (!Thread.currentThread().isInterrupted()) {
                LockSupport.park();
            }
        };
        Thread[] threads = new Thread[n];
        long heap0 = Measure.heapAfterGc();
        long rss0 = Measure.rssBytes();

        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            if (named) {
                names[i] = "c" + i;
                threads[i] = Thread.ofVirtual().name("spawn/" + names[i]).start(idle);
            } else {
                threads[i] = Thread.ofVirtual().start(idle);
            }
        }
        if (!all.await(120, TimeUnit.SECONDS)) {
            throw new IllegalStateException("only " + running.get() + " of " + n + " threads started");
        }
        long t1 = System.nanoTime();
        emitSpawn(out, run, n, t1 - t0, Measure.heapAfterGc() - heap0, Measure.rssBytes() - rss0);

        // The stopper is a virtual thread: joining 100,000 threads from a platform thread would park and
        // wake that platform thread once per thread, a cost of the caller, not of stopping.
        long t2 = System.nanoTime();
        Thread.ofVirtual().start(() -> {
            for (Thread t : threads) {
                t.interrupt();
            }
            try {
                for (Thread t : threads) {
                    t.join();
                }
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }).join();
        long t3 = System.nanoTime();
        emitStop(out, run, n, t3 - t2);
        if (names != null && names[n - 1] == null) { // keeps the names reachable until the threads are gone
            throw new AssertionError();
        }
    }

    /** Shared by the JVM systems so that they name their metrics alike. */
    public static void emitSpawn(Results out, int run, int n, long nanos, long heapBytes, long rssBytes) {
        emitSpawn(out, "spawn", "child", run, n, nanos, heapBytes, rssBytes);
    }

    public static void emitStop(Results out, int run, int n, long nanos) {
        emitStop(out, "stop", "child", run, n, nanos);
    }

    /** The figures of a spawn of {@code n} of something ({@code per}: "child", "leaf"), as workload {@code workload}. */
    static void emitSpawn(Results out, String workload, String per, int run, int n, long nanos, long heapBytes,
                          long rssBytes) {
        out.emit(workload, "ns_per_" + per, "ns", (double) nanos / n, run, n);
        out.emit(workload, "total_ms", "ms", nanos / 1e6, run, n);
        out.emit(workload, "heap_per_" + per, "B", (double) heapBytes / n, run, n);
        out.emit(workload, "rss_per_" + per, "B", (double) rssBytes / n, run, n);
    }

    static void emitStop(Results out, String workload, String per, int run, int n, long nanos) {
        out.emit(workload, "ns_per_" + per, "ns", (double) nanos / n, run, n);
        out.emit(workload, "total_ms", "ms", nanos / 1e6, run, n);
    }
}
