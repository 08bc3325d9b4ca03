package dev.arbor.bench;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.Locale;

/**
 * Prints one JSON object per line and measurement on standard output, the format every system of
 * the side-by-side harness uses (Go and Erlang print the same fields):
 * {@code {"system":"arbor","workload":"restart","metric":"p50","unit":"ns","value":1234.0,"run":1,"n":100000}}.
 * Runs numbered 0 are warm-ups and are not printed.
 */
public final class Results {
    private final PrintStream out;
    private final String system;

    public Results(String system) {
        this(system, System.out);
    }

    public Results(String system, PrintStream out) {
        this.system = system;
        this.out = out;
    }

    public String system() {
        return system;
    }

    public void emit(String workload, String metric, String unit, double value, int run, long n) {
        if (run <= 0) {
            return; // warm-up
        }
        out.printf(Locale.ROOT,
                "{\"system\":\"%s\",\"workload\":\"%s\",\"metric\":\"%s\",\"unit\":\"%s\",\"value\":%.3f,\"run\":%d,\"n\":%d}%n",
                system, workload, metric, unit, value, run, n);
        out.flush();
    }

    /**
     * Emits p50, p99 and restarts/s of one restart-latency run.
     *
     * @param starts     the monotonic time (ns) at which each run of the child began, in order
     * @param count      how many entries of {@code starts} are valid
     */
    public void emitRestart(long[] starts, int count, int run) {
        long[] d = new long[count - 1];
        for (int i = 1; i < count; i++) {
            d[i - 1] = starts[i] - starts[i - 1];
        }
        emit("restart", "p50_growth", "x", tenthP50(d, 9) / tenthP50(d, 0), run, d.length);
        Arrays.sort(d);
        emit("restart", "p50", "ns", percentile(d, 50), run, d.length);
        emit("restart", "p99", "ns", percentile(d, 99), run, d.length);
        double secs = (starts[count - 1] - starts[0]) / 1e9;
        emit("restart", "restarts_per_s", "1/s", d.length / secs, run, d.length);
    }

    /**
     * The median of one tenth of the restarts, in order (0 = the first tenth): the last tenth's
     * over the first's shows whether a restart costs more after many recent restarts.
     */
    private static double tenthP50(long[] inOrder, int tenth) {
        int from = inOrder.length * tenth / 10;
        long[] part = Arrays.copyOfRange(inOrder, from, Math.max(from + 1, inOrder.length * (tenth + 1) / 10));
        Arrays.sort(part);
        return Math.max(1, percentile(part, 50));
    }

    /** Nearest-rank percentile of sorted values. */
    public static double percentile(long[] sorted, double p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }
}
