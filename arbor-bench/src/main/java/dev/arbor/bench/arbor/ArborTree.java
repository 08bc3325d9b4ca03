package dev.arbor.bench.arbor;

import dev.arbor.Service;
import dev.arbor.StopOrder;
import dev.arbor.StopReport;
import dev.arbor.Supervisor;
import dev.arbor.bench.Measure;
import dev.arbor.bench.Params;
import dev.arbor.bench.Results;
import dev.arbor.bench.Workload;
import dev.arbor.bench.floor.FloorTree;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * ARBOR SIDE, workload 6: a tree with supervisors on three levels (a root, {@value FloorTree#FANOUT} under it,
 * {@value FloorTree#FANOUT} under each of those) and N / {@value FloorTree#BOTTOM} idle leaves under each of
 * the {@value FloorTree#BOTTOM} bottom supervisors. Spawn is timed from the first builder call until the last
 * leaf has begun to run (every supervisor is built and given its children, then the root is started); heap per leaf is the growth of
 * the heap after full collections, the supervisors' share included. Stop is the root's {@code stop()}, every
 * supervisor with {@link StopOrder#PARALLEL}, timed until it returns (every leaf and supervisor has ended).
 */
public final class ArborTree implements Workload {
    @Override
    public void run(Params p, Results out, int run) throws Exception {
        int leaves = FloorTree.leaves(p.n());
        int perBottom = leaves / FloorTree.BOTTOM;
        AtomicInteger running = new AtomicInteger();
        CountDownLatch all = new CountDownLatch(1);
        Service idle = ctx -> {
            if (running.incrementAndGet() == leaves) {
                all.countDown();
            }
            ctx.awaitStop();
        };
        long heap0 = Measure.heapAfterGc();
        long rss0 = Measure.rssBytes();

        long t0 = System.nanoTime();
        Supervisor tree = quiet("root");
        for (int m = 0; m < FloorTree.FANOUT; m++) {
            Supervisor mid = quiet("m" + m);
            for (int b = 0; b < FloorTree.FANOUT; b++) {
                Supervisor bottom = quiet("b" + (m * FloorTree.FANOUT + b));
                for (int i = 0; i < perBottom; i++) {
                    bottom.add("c" + i, idle);
                }
                mid.add("b" + b, bottom);
            }
            tree.add("m" + m, mid);
        }
        tree.start();
        try {
            if (!all.await(120, TimeUnit.SECONDS)) {
                throw new IllegalStateException("only " + running.get() + " of " + leaves + " leaves started");
            }
            long t1 = System.nanoTime();
            FloorTree.emitSpawn(out, run, leaves, t1 - t0, Measure.heapAfterGc() - heap0, Measure.rssBytes() - rss0);

            long t2 = System.nanoTime();
            StopReport report = tree.stop();
            long t3 = System.nanoTime();
            if (!report.clean()) {
                throw new IllegalStateException(report.unstopped().size() + " services did not stop");
            }
            FloorTree.emitStop(out, run, leaves, t3 - t2);
        } finally {
            tree.close();
        }
    }

    private static Supervisor quiet(String name) {
        return Supervisor.builder(name).stopOrder(StopOrder.PARALLEL).onEvent(e -> { }).build();
    }
}
