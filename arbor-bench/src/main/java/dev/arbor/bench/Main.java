package dev.arbor.bench;

import dev.arbor.bench.arbor.ArborDemo;
import dev.arbor.bench.arbor.ArborRestart;
import dev.arbor.bench.arbor.ArborSpawnStop;
import dev.arbor.bench.arbor.ArborStorm;
import dev.arbor.bench.arbor.ArborTree;
import dev.arbor.bench.arbor.ArborEvents;
import dev.arbor.bench.floor.FloorRestart;
import dev.arbor.bench.floor.FloorSpawnStop;
import dev.arbor.bench.floor.FloorStorm;
import dev.arbor.bench.floor.FloorTree;
import dev.arbor.bench.floor.FloorEvents;
import dev.arbor.bench.pekko.PekkoRestart;
import dev.arbor.bench.pekko.PekkoSpawnStop;
import dev.arbor.bench.pekko.PekkoStorm;
import dev.arbor.bench.pekko.PekkoTree;

/**
 * Runs one workload of one JVM system and prints JSON lines (see {@link Results}).
 *
 * <pre>java -cp ... dev.arbor.bench.Main SYSTEM WORKLOAD[,WORKLOAD...] [--n N] [--runs R] [--warmup W] [--children C] [--seconds S] [--messages M]</pre>
 *
 * SYSTEM is {@code arbor}, {@code pekko}, {@code floor} or {@code floor-named} (the floor whose threads
 * carry a supervised child's names: spawnstop and tree only); WORKLOAD is {@code restart}, {@code spawnstop}
 * (spawn N idle children, then stop them), {@code storm}, {@code tree} (spawn and stop a three-level tree of
 * N leaves) or {@code events} (event delivery to a listener during a storm). bench/run.sh runs Go's suture and Erlang/OTP
 * with the same workloads and the same output. Arbor alone also runs {@code demo}: the demo's pipeline with
 * and without supervision, M messages per leg.
 */
public final class Main {
    /** How long the warm-up of a JVM system's workload lasts at least (see {@link #warmingUpLonger}). */
    static final long MIN_WARMUP_NANOS = 3_000_000_000L;

    private Main() {}

    public static void main(String[] args) {
        if (args.length < 2) {
            System.err.println("usage: Main arbor|pekko|floor|floor-named restart|spawnstop|storm|tree|events|demo [--n N] [--runs R] [--warmup W] [--children C] [--seconds S] [--messages M]");
            System.exit(2);
        }
        String system = args[0];
        int status = 0;
        try {
            Params p = Params.parse(args, 2);
            Results out = new Results(system);
            // Several workloads, comma-separated, run one after the other in this JVM (the smoke run does so).
            for (String workload : args[1].split(",")) {
                Workload w = workload(system, workload);
                long warmupStart = System.nanoTime();
                for (int run = 1 - p.warmup(); run <= p.runs(); ) {
                    // A storm warm-up lasts one second at most: enough for the JIT, short enough to afford.
                    boolean storm = workload.equals("storm") || workload.equals("events");
                    Params q = run <= 0 && storm ? p.withSeconds(Math.min(1, p.seconds())) : p;
                    w.run(q, out, run);
                    if (!warmingUpLonger(workload, run, warmupStart)) {
                        run++;
                    }
                }
            }
        } catch (Throwable t) {
            System.err.println(system + "/" + args[1] + " failed: " + t);
            t.printStackTrace();
            status = 1;
        }
        System.out.flush();
        // Some systems leave non-daemon threads behind (actor system dispatchers); end regardless.
        Runtime.getRuntime().halt(status);
    }

    /**
     * The last warm-up run is repeated until the warm-up has lasted {@link #MIN_WARMUP_NANOS}, for every
     * JVM system alike: one run was not a warm JVM. Arbor's restart p99 kept improving for about six
     * runs of 100,000 restarts (from 10-35 us down to 1.5-3 us, p50 unchanged), the first of them
     * being the only warm-up. The storm and the demo run long enough already.
     */
    private static boolean warmingUpLonger(String workload, int run, long warmupStart) {
        return run == 0 && !workload.equals("storm") && !workload.equals("events") && !workload.equals("demo")
                && System.nanoTime() - warmupStart < MIN_WARMUP_NANOS;
    }

    static Workload workload(String system, String workload) {
        return switch (system + "/" + workload) {
            case "arbor/restart" -> new ArborRestart();
            case "arbor/spawnstop" -> new ArborSpawnStop();
            case "arbor/storm" -> new ArborStorm();
            case "arbor/demo" -> new ArborDemo();
            case "pekko/restart" -> new PekkoRestart();
            case "pekko/spawnstop" -> new PekkoSpawnStop();
            case "pekko/storm" -> new PekkoStorm();
            case "pekko/tree" -> new PekkoTree();
            // No pekko/events: Pekko typed has no listener for supervision events (see PekkoTree).
            case "floor/restart" -> new FloorRestart();
            case "floor/spawnstop" -> new FloorSpawnStop(false);
            case "floor-named/spawnstop" -> new FloorSpawnStop(true);
            case "arbor/tree" -> new ArborTree();
            case "floor/tree" -> new FloorTree(false);
            case "floor-named/tree" -> new FloorTree(true);
            case "arbor/events" -> new ArborEvents();
            case "floor/events" -> new FloorEvents();
            case "floor/storm" -> new FloorStorm();
            default -> throw new IllegalArgumentException("unknown system/workload: " + system + "/" + workload);
        };
    }
}
