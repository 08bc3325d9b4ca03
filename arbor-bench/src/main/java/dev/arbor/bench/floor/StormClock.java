package dev.arbor.bench.floor;

import dev.arbor.bench.Results;

/** Helpers shared by the storm workloads of the JVM systems. */
public final class StormClock {
    private StormClock() {}

    public static void sleepUntil(long t0, double seconds) throws InterruptedException {
        long end = t0 + (long) (seconds * 1e9);
        for (long left; (left = end - System.nanoTime()) > 0; ) {
            Thread.sleep(left / 1_000_000, (int) (left % 1_000_000));
        }
    }

    public static void emit(Results out, int run, int children, double cpuSeconds, long restarts, double seconds) {
        out.emit("storm", "cpu_s", "s", cpuSeconds, run, children);
        out.emit("storm", "restarts", "count", restarts, run, children);
        out.emit("storm", "window_s", "s", seconds, run, children);
    }
}
