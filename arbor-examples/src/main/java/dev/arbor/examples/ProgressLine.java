package dev.arbor.examples;

import dev.arbor.SupervisorState;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Shows how a run is going. On a terminal, one line rewritten in place ({@code \r}, padded over
 * the previous text) ten times a second; otherwise (a pipe, a CI log) one line per second, so the
 * log stays readable. Runs on its own daemon platform thread, so it keeps ticking even if every
 * virtual-thread carrier were busy.
 */
final class ProgressLine implements AutoCloseable {
    /**
     * What the line shows.
     *
     * @param elapsed      since the run started
     * @param processed    distinct messages processed
     * @param total        messages the run will publish
     * @param deadLettered messages dead-lettered
     * @param crashes      worker runs that failed
     * @param restarts     worker runs restarted
     * @param backoffs     backoffs of the workers' supervisor
     * @param state        the workers' supervisor's state
     * @param running      workers running now
     * @param workers      workers in all
     * @param cpuPercent   the process's CPU use over the last tick, in percent of one core; -1 if unknown
     */
    record Snapshot(Duration elapsed, long processed, long total, long deadLettered, long crashes, long restarts,
                    long backoffs, SupervisorState state, int running, int workers, int cpuPercent) {}

    private final PrintStream out;
    private final ProgressMode mode;
    private final int columns;
    private final Supplier<Snapshot> source;
    private final Thread ticker;
    private int lastLength;   // only the ticker thread, then (after join) the closing thread, touch it

    /**
     * @param columns the terminal's width, to keep the line from wrapping (a wrapped line cannot be
     *                rewritten with {@code \r}); 0 if unknown
     */
    ProgressLine(PrintStream out, ProgressMode mode, int columns, Supplier<Snapshot> source) {
        this.out = Objects.requireNonNull(out, "out must not be null");
        this.mode = Objects.requireNonNull(mode, "mode must not be null");
        if (mode == ProgressMode.AUTO) {
            throw new IllegalArgumentException("resolve ProgressMode.AUTO before making a ProgressLine");
        }
        if (columns < 0) {
            throw new IllegalArgumentException("columns must be >= 0, was " + columns);
        }
        this.columns = columns;
        this.source = Objects.requireNonNull(source, "source must not be null");
        Duration period = mode == ProgressMode.LINE ? Duration.ofMillis(100) : Duration.ofSeconds(1);
        this.ticker = Thread.ofPlatform().daemon().name("progress").unstarted(() -> tick(period));
    }

    /** Starts ticking (unless the mode is {@link ProgressMode#OFF}). */
    void start() {
        if (mode != ProgressMode.OFF) {
            ticker.start();
        }
    }

    /** Stops ticking and prints the final state, ending the line. */
    @Override
    public void close() {
        if (mode == ProgressMode.OFF) {
            return;
        }
        if (ticker.getState() != Thread.State.NEW) {
            ticker.interrupt();
            try {
                ticker.join(Duration.ofSeconds(2));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        print(source.get());
        if (mode == ProgressMode.LINE) {
            out.println();
        }
        out.flush();
    }

    private void tick(Duration period) {
        while (!Thread.currentThread().isInterrupted()) {
            print(source.get());
            try {
                Thread.sleep(period);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void print(Snapshot s) {
        String line = render(s);
        if (mode == ProgressMode.LOG) {
            out.println(line);
            return;
        }
        if (columns > 0 && line.length() > columns - 1) {
            // Narrow terminal: the short labels keep the supervisor's state and every count in view.
            line = renderCompact(s);
            if (line.length() > columns - 1) {
                line = line.substring(0, columns - 1);
            }
        }
        // Pad over the rest of a longer previous line instead of relying on ANSI erase codes.
        String padding = " ".repeat(Math.max(0, lastLength - line.length()));
        out.print("\r" + line + padding);
        out.flush();
        lastLength = line.length();
    }

    /** The line for terminals narrower than {@link #render}: about 76 characters. */
    static String renderCompact(Snapshot s) {
        return String.format(Locale.ROOT, "%5.1fs %s %d/%d up  ok %d/%d  dlq %d  crash %d  restart %d  backoff %d",
                s.elapsed().toMillis() / 1000.0, s.state(), s.running(), s.workers(), s.processed(), s.total(),
                s.deadLettered(), s.crashes(), s.restarts(), s.backoffs());
    }

    /** The text of the line, without control characters. */
    static String render(Snapshot s) {
        String cpu = s.cpuPercent() < 0 ? "" : String.format(Locale.ROOT, "  cpu %3d%%", s.cpuPercent());
        return String.format(Locale.ROOT,
                "%5.1fs  processed %d/%d  dead-lettered %d  crashes %d  restarts %d  backoffs %d  [%s %d/%d up]%s",
                s.elapsed().toMillis() / 1000.0, s.processed(), s.total(), s.deadLettered(), s.crashes(),
                s.restarts(), s.backoffs(), s.state(), s.running(), s.workers(), cpu);
    }
}
