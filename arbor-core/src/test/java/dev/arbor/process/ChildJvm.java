package dev.arbor.process;

import dev.arbor.Supervisor;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A program run in a JVM of its own, with the same java binary as the tests and Arbor's classes:
 * its output is collected line by line, so that a test waits for a line instead of sleeping, and
 * it is sent real signals. Every wait has an upper bound; {@link #close()} kills what is left.
 */
public final class ChildJvm implements AutoCloseable {
    /** The upper bound of every wait: generous, since it is never reached when things work. */
    static final Duration WAIT = Duration.ofSeconds(20);

    private final Process process;
    private final Writer stdin;
    private final List<String> out = new ArrayList<>();
    private final List<String> err = new ArrayList<>();
    private final Thread outReader;
    private final Thread errReader;
    private long signalledAt;
    private long exitedAt;

    private ChildJvm(Process process) {
        this.process = process;
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        this.outReader = collect(process.getInputStream(), out, "stdout");
        this.errReader = collect(process.getErrorStream(), err, "stderr");
    }

    /**
     * Starts {@code main} with {@code args} in a new JVM.
     *
     * @param main a class with a main method, from Arbor's main or test classes
     */
    public static ChildJvm start(Class<?> main, String... args) throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow(
                () -> new IllegalStateException("the java binary of this JVM is unknown"));
        String classPath = codeSource(Supervisor.class) + File.pathSeparator + codeSource(main);
        List<String> command = new ArrayList<>(List.of(java,
                // Start fast: these JVMs live a second or two.
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto",
                "-cp", classPath, main.getName()));
        command.addAll(List.of(args));
        return new ChildJvm(new ProcessBuilder(command).start());
    }

    private static String codeSource(Class<?> c) throws Exception {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }

    private Thread collect(InputStream stream, List<String> lines, String name) {
        return Thread.ofPlatform().daemon().name("child-jvm-" + name).start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    synchronized (this) {
                        lines.add(line);
                        notifyAll();
                    }
                }
            } catch (IOException e) {
                // the process is gone: what was read is all there is
            }
        });
    }

    /** Waits until standard output has a line equal to {@code line}. */
    public void awaitStdout(String line) throws InterruptedException {
        await(out, line::equals, "a line \"" + line + "\" on stdout");
    }

    /** Waits until standard error has a line containing {@code fragment}. */
    public void awaitStderr(String fragment) throws InterruptedException {
        await(err, l -> l.contains(fragment), "\"" + fragment + "\" on stderr");
    }

    private synchronized void await(List<String> lines, Predicate<String> wanted, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (lines.stream().noneMatch(wanted)) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || (!process.isAlive() && !outReader.isAlive() && !errReader.isAlive())) {
                throw new AssertionError("no " + what + " within " + WAIT + "; stdout " + out + ", stderr " + err);
            }
            TimeUnit.NANOSECONDS.timedWait(this, Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)));
        }
    }

    /**
     * Sends SIGTERM, as systemd and Kubernetes do. Not with {@link Process#destroy()}, which sends it
     * too but then closes our ends of the program's pipes, losing what it prints while it stops.
     */
    public void sigterm() throws Exception {
        kill("TERM");
    }

    /** Sends SIGINT, as Ctrl-C in a terminal does. */
    public void sigint() throws Exception {
        kill("INT");
    }

    private void kill(String signal) throws Exception {
        signalledAt = System.nanoTime();
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
        if (!kill.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new AssertionError("kill -" + signal + " " + process.pid() + " failed");
        }
    }

    /** Whether this JVM was started with SIGINT ignored (as a shell does to background jobs): then Ctrl-C cannot reach it. */
    public boolean ignoresSigint() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
            if (line.startsWith("SigIgn:")) {
                long mask = Long.parseUnsignedLong(line.substring("SigIgn:".length()).strip(), 16);
                return (mask & (1L << (2 - 1))) != 0;   // SIGINT is signal 2, bit 1
            }
        }
        return false;
    }

    /** Writes a line to the program's standard input. */
    public void writeLine(String line) throws IOException {
        stdin.write(line + "\n");
        stdin.flush();
    }

    /** Waits for the JVM to end and returns its exit status. */
    public int awaitExit() throws InterruptedException {
        if (!process.waitFor(WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("the JVM did not exit within " + WAIT + "; stdout " + stdout() + ", stderr " + stderr());
        }
        exitedAt = System.nanoTime();
        outReader.join(WAIT.toMillis());
        errReader.join(WAIT.toMillis());
        return process.exitValue();
    }

    /** From the signal to the end of the JVM, once {@link #awaitExit()} returned. */
    public Duration signalToExit() {
        return Duration.ofNanos(exitedAt - signalledAt);
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The lines of standard output so far. */
    public synchronized List<String> stdout() {
        return List.copyOf(out);
    }

    /** Standard error so far. */
    public synchronized String stderr() {
        return String.join("\n", err);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        }
    }
}
