package dev.arbor.bench.arbor;

import dev.arbor.Supervisor;
import dev.arbor.bench.Params;
import dev.arbor.bench.Results;
import dev.arbor.bench.Workload;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * ARBOR SIDE, workload 1: one child that throws at once on every start, under a supervisor tuned never
 * to back off (the failure threshold is the largest finite double). Each run of the child records its
 * start time; a restart's latency is the time between two consecutive starts (failure noticed, accounted,
 * event emitted, fresh thread started), exactly as for the peers.
 */
public final class ArborRestart implements Workload {
    @Override
    public void run(Params p, Results out, int run) throws Exception {
        int starts = p.n() + 1;
        long[] at = new long[starts];
        AtomicInteger next = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(1);
        Supervisor sup = Supervisor.builder("restart")
                .failureThreshold(Double.MAX_VALUE)
                .onEvent(e -> { })
                .build();
        sup.add("failer", ctx -> {
            int k = next.getAndIncrement();
            at[k] = System.nanoTime();
            if (k + 1 == starts) {
                done.countDown();
                ctx.awaitStop();
                return;
            }
            throw new RuntimeException("boom");
        });
        sup.start();
        try {
            if (!done.await(120, TimeUnit.SECONDS)) {
                throw new IllegalStateException("only " + next.get() + " of " + starts + " starts");
            }
        } finally {
            sup.stop();
        }
        out.emitRestart(at, starts, run);
    }
}
