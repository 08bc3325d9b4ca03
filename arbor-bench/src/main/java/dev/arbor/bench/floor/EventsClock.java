package dev.arbor.bench.floor;

import dev.arbor.bench.Results;

/** The figures of workload 7, alike for every JVM system. */
public final class EventsClock {
    private EventsClock() {}

    /**
     * @param events   events the listener received in the window
     * @param dropped  events the system dropped rather than deliver (a bounded buffer), or 0
     */
    public static void emit(Results out, int run, int children, double cpuSeconds, long events, long dropped,
                            long restarts, double seconds) {
        out.emit("events", "events_per_s", "1/s", events / seconds, run, children);
        out.emit("events", "cpu_ns_per_event", "ns", events == 0 ? 0 : cpuSeconds * 1e9 / events, run, children);
        out.emit("events", "restarts_per_s", "1/s", restarts / seconds, run, children);
        out.emit("events", "cpu_ns_per_restart", "ns", restarts == 0 ? 0 : cpuSeconds * 1e9 / restarts, run, children);
        out.emit("events", "events_per_restart", "x", restarts == 0 ? 0 : (double) events / restarts, run, children);
        out.emit("events", "dropped", "count", dropped, run, children);
        out.emit("events", "cpu_s", "s", cpuSeconds, run, children);
    }
}
