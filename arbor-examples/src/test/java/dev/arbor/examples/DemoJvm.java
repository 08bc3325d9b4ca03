package dev.arbor.examples;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The demo's {@link Main} in a JVM of its own, on the test's class path, with its output collected. */
final class DemoJvm {
    private final Process process;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final Thread outReader;
    private final Thread errReader;

    DemoJvm(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args));
        process = new ProcessBuilder(command).start();
        outReader = copy(process.getInputStream());
        errReader = copy(process.getErrorStream());
    }

    private Thread copy(InputStream from) {
        return Thread.ofVirtual().start(() -> {
            byte[] buffer = new byte[8192];
            try (from) {
                for (int n; (n = from.read(buffer)) >= 0; ) {
                    synchronized (out) {
                        out.write(buffer, 0, n);
                    }
                }
            } catch (IOException e) {
                // the process is gone
            }
        });
    }

    Process process() {
        return process;
    }

    /** Waits for the process and its output (at most the test's timeout), and returns the exit status. */
    int await() throws InterruptedException {
        int status = process.waitFor();
        outReader.join();
        errReader.join();
        return status;
    }

    /** Standard output and error, interleaved. */
    String output() {
        synchronized (out) {
            return out.toString(StandardCharsets.UTF_8);
        }
    }
}
