package dev.arbor.bench.arbor;

import dev.arbor.Service;
import dev.arbor.StopOrder;
import dev.arbor.StopReport;
import dev.arbor.Supervisor;
import dev.arbor.bench.Measure;
import dev.arbor.bench.Params;
import dev.arbor.bench.Results;
import dev.arbor.bench.Workload;
import dev.arbor.bench.floor.FloorSpawnStop;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * ARBOR SIDE, workloads 2 and 3: N idle children ({@code ctx.awaitStop()}) added to one running
 * supervisor; spawn is timed from the first {@code add} until the last child has begun to run, and heap
 * per child is the growth of the heap after full collections. Stop is {@code stop()} with
 * {@link StopOrder#PARALLEL}, timed until it returns (every child has ended).
 */
public final class ArborSpawnStop implements Workload {
    @Override
    public void run(Params p, Results out, int run) throws Exception {
        int n = p.n();
        AtomicInteger running = new AtomicInteger();
        CountDownLatch all = new CountDownLatch(1);
        Supervisor sup = Supervisor.builder("spawn")
                .stopOrder(StopOrder.PARALLEL)
                .onEvent(e -> { })
                .build();
        sup.start();
        try {
            long heap0 = Measure.heapAfterGc();
            long rss0 = Measure.rssBytes();

            Service idle = ctx -> { // one instance for all children, as the floor has one Runnable
                if (running.incrementAndGet() == n) {
                    all.countDown();
                }
                ctx.awaitStop();
            };
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                sup.add("c" + i, idle);
            }
            if (!all.await(120, TimeUnit.SECONDS)) {
                throw new IllegalStateException("only " + running.get() + " of " + n + " children started");
            }
            long t1 = System.nanoTime();
            FloorSpawnStop.emitSpawn(out, run, n, t1 - t0, Measure.heapAfterGc() - heap0, Measure.rssBytes() - rss0);

            long t2 = System.nanoTime();
            StopReport report = sup.stop();
            long t3 = System.nanoTime();
            if (!report.clean()) {
                throw new IllegalStateException(report.unstopped().size() + " children did not stop");
            }
            FloorSpawnStop.emitStop(out, run, n, t3 - t2);
        } finally {
            sup.close();
        }
    }
}
