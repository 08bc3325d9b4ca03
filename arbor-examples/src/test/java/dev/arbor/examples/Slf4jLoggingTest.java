package dev.arbor.examples;

import dev.arbor.Supervisor;
import dev.arbor.SupervisorState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's SLF4J setup, for real: with {@code org.slf4j:slf4j-jdk-platform-logging} on the
 * class path, {@code System.getLogger("dev.arbor")} is SLF4J's, so Arbor's default logging lands
 * in whatever SLF4J backend the application uses (slf4j-simple here, which writes to stderr).
 */
@Timeout(30)
class Slf4jLoggingTest {
    @Test
    void arborsDefaultLoggingGoesThroughSlf4j() throws Exception {
        assertThat(System.getLogger("dev.arbor").getClass().getName()).startsWith("org.slf4j.");

        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            AtomicInteger runs = new AtomicInteger();
            Supervisor root = Supervisor.builder("slf4j-demo").failureBackoff(Duration.ZERO).build();   // default logging
            root.add("worker", ctx -> {
                if (runs.incrementAndGet() == 1) {
                    throw new IllegalStateException("bad payload");
                }
                ctx.awaitStop();
            });
            root.start();
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (runs.get() < 2 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            root.stop();                  // waits for the listener: the lines are written by now
            assertThat(root.state()).isEqualTo(SupervisorState.TERMINATED);
        } finally {
            System.setErr(original);
        }
        assertThat(captured.toString(StandardCharsets.UTF_8))
                .contains("WARN arbor - slf4j-demo: worker failed: IllegalStateException: bad payload; restarting")   // short name: simplelogger.properties
                .contains("java.lang.IllegalStateException: bad payload");
    }
}
