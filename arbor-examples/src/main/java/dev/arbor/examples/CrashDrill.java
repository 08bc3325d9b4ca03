package dev.arbor.examples;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * {@code --sigkill-after N}: crash safety, shown. Runs the demo in a child JVM, kills that JVM with
 * SIGKILL (no shutdown hook, no flush, no broker shutdown) as soon as its processed ledger holds N
 * ids, then runs it again with {@code --resume} on the same journal, ledger and dead-letter file.
 * The second run's summary checks the whole plan: every message processed or dead-lettered, each
 * id once, none lost. Its exit status is the drill's.
 */
final class CrashDrill {
    private static final long WATCH_MILLIS = 5;

    private final DemoOptions options;
    private final PrintStream out;
    private final PrintStream err;

    CrashDrill(DemoOptions options, PrintStream out, PrintStream err) {
        this.options = Objects.requireNonNull(options, "options must not be null");
        this.out = Objects.requireNonNull(out, "out must not be null");
        this.err = Objects.requireNonNull(err, "err must not be null");
    }

    /**
     * Runs both JVMs; a stop request stops (SIGTERM) whichever is running.
     *
     * @return the resumed run's exit status, or 1 if the first run ended before it could be killed
     */
    int run(Main.StopHandle stop) throws IOException, InterruptedException {
        // Both children resolve the parent's progress mode: their output is a pipe, the parent's may be a terminal.
        ProgressMode mode = options.progress().resolve();
        DemoOptions first = with(mode, false);
        Path ledger = first.dataDir().resolve("processed.ledger");
        Files.deleteIfExists(ledger);

        Process child = start(first, stop);
        long processed = awaitProcessed(child, ledger, options.sigkillAfter());
        if (!child.isAlive()) {
            child.waitFor();
            err.println("demo: the first run ended (exit " + child.exitValue() + ") before it processed "
                    + options.sigkillAfter() + " messages; nothing was killed");
            return 1;
        }
        long pid = child.pid();
        child.destroyForcibly();   // SIGKILL on Unix
        int status = child.waitFor();
        out.println();
        out.println(fmt("*** SIGKILL: killed the demo's JVM (pid %d, exit %d) with %d of %d messages processed;"
                + " starting it again with --resume on the same journal ***", pid, status, processed, options.messages()));
        out.println();
        out.flush();

        Process resumed = start(with(mode, true), stop);
        return resumed.waitFor();
    }

    private DemoOptions with(ProgressMode mode, boolean resume) {
        DemoOptions o = options;
        return new DemoOptions(o.messages(), o.malformedShare(), o.workers(), o.burst(), o.rate(), o.work(),
                o.maxDeliveries(), o.crashBeforeAckShare(), o.seed(), o.deadLetterFile(), o.failureThreshold(),
                o.failureDecay(), o.failureBackoff(), o.timeout(), mode, o.broker(), o.dataDir(), resume, 0, o.brokenWorker());
    }

    /** Starts a child JVM on this JVM's class path, relaying its output; a stop request sends it SIGTERM. */
    private Process start(DemoOptions childOptions, Main.StopHandle stop) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // The parent's JVM options (./demo's, surefire's), such as --sun-misc-unsafe-memory-access.
        command.addAll(java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(Main.class.getName());
        command.addAll(childOptions.toArgs());
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("COLUMNS", Integer.toString(Main.terminalColumns()));
        Process process = builder.start();
        relay(process.getInputStream(), out, "out");
        relay(process.getErrorStream(), err, "err");
        // SIGTERM through the handle: Process.destroy() would close the pipes, losing the child's summary.
        stop.onStop(() -> process.toHandle().destroy());
        return process;
    }

    private static void relay(InputStream from, PrintStream to, String name) {
        Thread.ofVirtual().name("demo-child-" + name).start(() -> {
            byte[] buffer = new byte[8192];
            try (from) {
                for (int n; (n = from.read(buffer)) >= 0; ) {
                    to.write(buffer, 0, n);   // bytes, not lines: the progress line's carriage returns pass through
                    to.flush();
                }
            } catch (IOException e) {
                // The child is gone; so is its output.
            }
        });
    }

    /** Waits until the ledger holds {@code target} lines (ids) or the child ends; returns the count seen. */
    private long awaitProcessed(Process child, Path ledger, int target) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + options.timeout().plus(Duration.ofSeconds(30)).toNanos();
        while (child.isAlive() && System.nanoTime() - deadline < 0) {
            long lines = countLines(ledger);
            if (lines >= target) {
                return lines;
            }
            Thread.sleep(WATCH_MILLIS);
        }
        return countLines(ledger);
    }

    static long countLines(Path file) throws IOException {
        if (!Files.exists(file)) {
            return 0;
        }
        long lines = 0;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
            while (channel.read(buffer) > 0) {
                buffer.flip();
                while (buffer.hasRemaining()) {
                    lines += buffer.get() == '\n' ? 1 : 0;
                }
                buffer.clear();
            }
        }
        return lines;
    }

    private static String fmt(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
