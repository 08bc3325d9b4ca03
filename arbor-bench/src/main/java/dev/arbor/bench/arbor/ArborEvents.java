package dev.arbor.bench.arbor;

import dev.arbor.Supervisor;
import dev.arbor.SupervisorEvent;
import dev.arbor.bench.Measure;
import dev.arbor.bench.Params;
import dev.arbor.bench.Results;
import dev.arbor.bench.Workload;
import dev.arbor.bench.floor.EventsClock;
import dev.arbor.bench.floor.StormClock;
import java.util.concurrent.atomic.LongAdder;

/**
 * ARBOR SIDE, workload 7: event delivery during a storm. C children that throw at once on every start,
 * under a supervisor that never backs off (threshold the largest finite double), for the whole window,
 * with a listener that counts every event it receives and looks at its type. Reported: events delivered per
 * second, the process's CPU per event delivered and per restart, and the events the bounded buffer dropped
 * in the whole run (counted by the {@code EventsDropped} events the listener receives, the last of them
 * after the stop): a listener that keeps up drops none.
 */
public final class ArborEvents implements Workload {
    @Override
    public void run(Params p, Results out, int run) throws Exception {
        int c = p.children();
        LongAdder starts = new LongAdder();
        long[] received = new long[1];   // the listener runs on one thread at a time
        long[] dropped = new long[1];
        long[] failures = new long[1];
        Supervisor sup = Supervisor.builder("events")
                .failureThreshold(Double.MAX_VALUE)
                .onEvent(e -> {
                    received[0]++;
                    if (e instanceof SupervisorEvent.EventsDropped d) {
                        dropped[0] += d.count();
                    } else if (e instanceof SupervisorEvent.ServiceFailed) {
                        failures[0]++;
                    }
                })
                .build();
        for (int i = 0; i < c; i++) {
            sup.add("c" + i, ctx -> {
                starts.increment();
                throw new RuntimeException("boom");
            });
        }
        double cpu0 = Measure.cpuSeconds();
        long t0 = System.nanoTime();
        sup.start();
        try {
            StormClock.sleepUntil(t0, p.seconds());
            double cpu = Measure.cpuSeconds() - cpu0;
            long restarts = starts.sum() - c;
            long events = received[0];   // a racy read of a counter one thread writes: good to a few events
            sup.stop();                  // returns once the listener has had every event, EventsDropped included
            if (failures[0] == 0) {
                throw new IllegalStateException("the listener saw no ServiceFailed");
            }
            EventsClock.emit(out, run, c, cpu, events, dropped[0], restarts, p.seconds());
        } finally {
            sup.close();
        }
    }
}
