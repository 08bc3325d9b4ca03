package dev.arbor.bench.floor;

import dev.arbor.bench.Measure;
import dev.arbor.bench.Params;
import dev.arbor.bench.Results;
import dev.arbor.bench.Workload;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.LongAdder;

/**
 * Floor, workload 7: the restart loops of {@link FloorStorm}, each publishing two events per attempt (its
 * failure, then its next start) into one bounded queue of 65,536 (Arbor's default buffer), which one
 * listener thread drains and counts; an event that finds the queue full is dropped and counted. What handing
 * every restart's events to one listener costs with nothing else in the way.
 */
public final class FloorEvents implements Workload {
    record Failed(String child, Throwable cause) {}

    record Started(String child, int restarts) {}

    private volatile boolean on;

    @Override
    public void run(Params p, Results out, int run) throws Exception {
        int c = p.children();
        LongAdder starts = new LongAdder();
        LongAdder dropped = new LongAdder();
        BlockingQueue<Object> queue = new ArrayBlockingQueue<>(65_536);
        long[] received = new long[1];
        Thread listener = Thread.ofVirtual().start(() -> {
            try {
                while (true) {
                    Object e = queue.take();
                    if (e == queue) {
                        return;
                    }
                    received[0]++;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        on = true;
        List<Thread> loops = new ArrayList<>(c);
        double cpu0 = Measure.cpuSeconds();
        long t0 = System.nanoTime();
        for (int i = 0; i < c; i++) {
            String name = "c" + i;
            loops.add(Thread.ofVirtual().start(() -> {
                RuntimeException[] thrown = new RuntimeException[1];
                Runnable attempt = () -> {
                    starts.increment();
                    try {
                        throw new RuntimeException("boom");
                    } catch (RuntimeException failed) {
                        thrown[0] = failed;
                    }
                };
                try {
                    for (int restarts = 0; on; restarts++) {
                        Thread.ofVirtual().start(attempt).join();
                        publish(queue, dropped, new Failed(name, thrown[0]));
                        publish(queue, dropped, new Started(name, restarts + 1));
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
        StormClock.sleepUntil(t0, p.seconds());
        double cpu = Measure.cpuSeconds() - cpu0;
        long restarts = starts.sum() - c;
        long events = received[0];
        long lost = dropped.sum();
        on = false;
        for (Thread t : loops) {
            t.join();
        }
        queue.put(queue);
        listener.join();
        EventsClock.emit(out, run, c, cpu, events, lost, restarts, p.seconds());
    }

    private static void publish(BlockingQueue<Object> queue, LongAdder dropped, Object event) {
        if (!queue.offer(event)) {
            dropped.increment();
        }
    }
}
