package dev.arbor.examples;

import java.io.PrintStream;

/**
 * The demo's command line: {@code ./demo [flags]}, or
 * {@code java -jar arbor-examples/target/arbor-examples-*.jar [flags]}. See
 * {@link DemoOptions#USAGE} for the flags.
 *
 * <p>Exit status: 0 when every message was processed or dead-lettered, none twice, and nothing
 * was left running; 1 otherwise (or if the run itself failed); 2 for a bad command line.
 */
public final class Main {
    private Main() {
    }

    /** Runs the demo and exits with its status. */
    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /**
     * Runs the demo without exiting: what {@link #main} does, for tests.
     *
     * @return the exit status
     * @throws NullPointerException if an argument is null
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
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
            DemoSummary summary = new QueueDemo(options, out, terminalColumns(), observe).run();
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

    /** The terminal's width as the shell exported it ({@code ./demo} does), or 0 if unknown. */
    private static int terminalColumns() {
        try {
            return Math.max(0, Integer.parseInt(System.getenv().getOrDefault("COLUMNS", "0").trim()));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
