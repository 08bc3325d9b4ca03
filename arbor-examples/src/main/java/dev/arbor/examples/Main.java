package dev.arbor.examples;

import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The demo's command line: {@code ./demo [flags]}, or
 * {@code java -jar arbor-examples/target/arbor-examples-*.jar [flags]}. See
 * {@link DemoOptions#USAGE} for the flags.
 *
 * <p>Exit status: 0 when every message was processed or dead-lettered, none twice, and nothing
 * was left running; 3 when the supervision tree terminated by itself (with {@code --broken-worker}:
 * the restart intensity of the supervisors was exceeded, and the summary names the cause chain);
 * 1 otherwise (or if the run itself failed); 2 for a bad command line. On
 * SIGTERM (or Ctrl-C) a shutdown hook asks the run to stop: it stops the tree, prints the summary
 * of what was done so far, and the JVM then exits as the signal has it, with 143 (130 for Ctrl-C).
 */
public final class Main {
    private Main() {
    }

    /** How long the shutdown hook waits for the summary before it lets the JVM go. */
    private static final long SUMMARY_GRACE_SECONDS = 20;

    /** Runs the demo and exits with its status. */
    public static void main(String[] args) {
        StopHandle handle = new StopHandle();
        CountDownLatch done = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            // On SIGTERM: ask the run to stop and wait (bounded) for its summary. On a normal exit
            // the run is over and the latch is already open.
            handle.requestStop();
            try {
                done.await(SUMMARY_GRACE_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "demo-shutdown"));
        int status = run(args, System.out, System.err, handle);
        done.countDown();
        // During a signal's shutdown this blocks until the hook returns, and the JVM exits with 128 + signal.
        System.exit(status);
    }

    /**
     * Runs the demo without exiting: what {@link #main} does, for tests.
     *
     * @return the exit status
     * @throws NullPointerException if an argument is null
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return run(args, out, err, new StopHandle());
    }

    /**
     * Runs the demo without exiting, stopping it early when {@code stop} is triggered.
     *
     * @return the exit status
     * @throws NullPointerException if an argument is null
     */
    static int run(String[] args, PrintStream out, PrintStream err, StopHandle stop) {
        java.util.Objects.requireNonNull(stop, "stop must not be null");
        java.util.Objects.requireNonNull(args, "args must not be null");
        java.util.Objects.requireNonNull(out, "out must not be null");
        java.util.Objects.requireNonNull(err, "err must not be null");
        if (DemoOptions.wantsHelp(args)) {
            out.print(DemoOptions.USAGE);
            out.flush();
            return 0;
        }
        DemoOptions options;
        ObserveFlag observe;
        try {
            ObserveFlag.Split split = ObserveFlag.split(args);
            observe = split.flag();
            options = DemoOptions.parse(split.rest());
        } catch (UsageException e) {
            err.println("demo: " + e.getMessage());
            err.println("Run ./demo --help for the flags.");
            return 2;
        }
        try {
            if (options.sigkillAfter() > 0) {
                return new CrashDrill(options, out, err).run(stop);
            }
            QueueDemo demo = new QueueDemo(options, out, terminalColumns(), observe);
            stop.onStop(demo::requestStop);
            DemoSummary summary = demo.run();
            summary.print(out);
            return summary.exitCode();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("demo: interrupted");
            return 1;
        } catch (Exception e) {
            err.println("demo: the run failed: " + e);
            e.printStackTrace(err);
            return 1;
        }
    }

    /** Whoever should hear of a stop request (the running demo, or the crash drill's child JVM). Thread-safe. */
    static final class StopHandle {
        private final java.util.concurrent.atomic.AtomicReference<Runnable> action =
                new java.util.concurrent.atomic.AtomicReference<>();
        private volatile boolean requested;

        /** Runs the action on a stop request, at once if one came already. */
        void onStop(Runnable stopAction) {
            action.set(stopAction);
            if (requested) {
                stopAction.run();
            }
        }

        void requestStop() {
            requested = true;
            Runnable a = action.get();
            if (a != null) {
                a.run();
            }
        }
    }

    /** The terminal's width as the shell exported it ({@code ./demo} does), or 0 if unknown. */
    static int terminalColumns() {
        try {
            return Math.max(0, Integer.parseInt(System.getenv().getOrDefault("COLUMNS", "0").trim()));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
