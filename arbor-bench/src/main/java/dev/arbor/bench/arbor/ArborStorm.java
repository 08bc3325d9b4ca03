package dev.arbor.bench.arbor;

import dev.arbor.Supervisor;
import dev.arbor.SupervisorEvent;
import dev.arbor.bench.Measure;
import dev.arbor.bench.Params;
import dev.arbor.bench.Results;
import dev.arbor.bench.Workload;
import dev.arbor.bench.floor.StormClock;
import java.util.concurrent.atomic.LongAdder;

/**
 * ARBOR SIDE, workload 4: C children that throw at once on every start, under a supervisor with all
 * default settings (threshold 5, decay 30 s, back-off 15 s with jitter), for the whole window. Restarts
 * are counted by the children's own starts, as for the peers; the events' count is checked against it.
 */
public final class ArborStorm implements Workload {
    @Override
    public void run(Params p, Results out, int run) throws Exception {
        int c = p.children();
        LongAdder starts = new LongAdder();
        LongAdder startedEvents = new LongAdder();
        Supervisor sup = Supervisor.builder("storm")
                .onEvent(e -> {
                    if (e instanceof SupervisorEvent.ServiceStarted) {
                        startedEvents.increment();
                    }
                })
                .build();
        double cpu0 = Measure.cpuSeconds();
        long t0 = System.nanoTime();
        for (int i = 0; i < c; i++) {
            sup.add("c" + i, ctx -> {
                starts.increment();
                throw new RuntimeException("boom");
            });
        }
        sup.start();
        try {
            StormClock.sleepUntil(t0, p.seconds());
            double cpu = Measure.cpuSeconds() - cpu0;
            long restarts = starts.sum() - c;
            StormClock.emit(out, run, c, cpu, restarts, p.seconds());
        } finally {
            sup.stop();
        }
        if (run > 0 && startedEvents.sum() != starts.sum()) {
            System.err.printf("arbor/storm: %d ServiceStarted events for %d starts%n", startedEvents.sum(), starts.sum());
        }
    }
}
