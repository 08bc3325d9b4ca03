package dev.arbor.examples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** SIGTERM ends the demo with its summary, not silently. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ShutdownSignalTest {
    @TempDir
    Path dir;

    @Test
    void sigtermStopsTheTreePrintsTheSummaryAndExitsWith143() throws Exception {
        Path ledger = dir.resolve("data/processed.ledger");
        DemoJvm demo = new DemoJvm("--messages", "3000", "--rate", "250", "--progress", "log",
                "--data-dir", dir.resolve("data").toString(), "--dead-letter", dir.resolve("dead.jsonl").toString());
        // In the middle of the run: some messages processed, most not yet published.
        while (CrashDrill.countLines(ledger) < 100 && demo.process().isAlive()) {
            Thread.sleep(5);
        }
        // SIGTERM, through the ProcessHandle: Process.destroy() would also close the pipes, and the
        // summary the demo prints after the signal would be lost.
        demo.process().toHandle().destroy();

        int status = demo.await();

        String output = demo.output();
        assertThat(status).as(output).isEqualTo(143);
        assertThat(output).contains("Summary after", "stop report    clean: nothing left running", "FAILED:",
                "stopped by a signal before every message was accounted for");
        assertThat(output.indexOf("Summary after")).isGreaterThan(output.indexOf("processed"));
    }
}
