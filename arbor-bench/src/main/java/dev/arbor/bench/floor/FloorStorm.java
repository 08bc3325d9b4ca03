package dev.arbor.bench.floor;

import dev.arbor.bench.Measure;
import dev.arbor.bench.Params;
import dev.arbor.bench.Results;
import dev.arbor.bench.Workload;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * Floor, workload 4: C loops, each restarting its child in a fresh virtual thread at once, forever, with no
 * storm protection at all: what an unprotected restart loop burns.
 */
public final class FloorStorm implements Workload {
    private volatile boolean on;

    @Override
    public void run(Params p, Results out, int run) throws Exception {
        int c = p.children();
        LongAdder starts = new LongAdder();
        Runnable attempt = () -> {
            try {
                starts.increment();
                throw new RuntimeException("boom");
            } catch (RuntimeException failed) {
                // seen by the loop when join returns
            }
        };
        on = true;
        List<Thread> loops = new ArrayList<>(c);
        double cpu0 = Measure.cpuSeconds();
        long t0 = System.nanoTime();
        for (int i = 0; i < c; i++) {
            loops.add(Thread.ofVirtual().start(() -> {
                try {
                    while (on) {
                        Thread.ofVirtual().start(attempt).join();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
        StormClock.sleepUntil(t0, p.seconds());
        double cpu = Measure.cpuSeconds() - cpu0;
        long restarts = starts.sum() - c;
        on = false;
        for (Thread t : loops) {
            t.join();
        }
        StormClock.emit(out, run, c, cpu, restarts, p.seconds());
    }
}
