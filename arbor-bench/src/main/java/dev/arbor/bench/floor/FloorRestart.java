package dev.arbor.bench.floor;

import dev.arbor.bench.Params;
import dev.arbor.bench.Results;
import dev.arbor.bench.Workload;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Floor, workload 1: no supervision at all. A loop in a virtual thread starts a fresh virtual thread for
 * each attempt, joins it, and starts the next one; every attempt records its start time and throws.
 */
public final class FloorRestart implements Workload {
    @Override
    public void run(Params p, Results out, int run) throws Exception {
        int starts = p.n() + 1; // n restarts follow the first start
        long[] at = new long[starts];
        AtomicInteger next = new AtomicInteger();
        Runnable attempt = () -> {
            try {
                at[next.getAndIncrement()] = System.nanoTime();
                throw new RuntimeException("boom");
            } catch (RuntimeException failed) {
                // the "supervisor" sees the failure when join returns
            }
        };
        Thread loop = Thread.ofVirtual().start(() -> {
            try {
                while (next.get() < starts) {
                    Thread.ofVirtual().start(attempt).join();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        loop.join();
        out.emitRestart(at, starts, run);
    }
}
