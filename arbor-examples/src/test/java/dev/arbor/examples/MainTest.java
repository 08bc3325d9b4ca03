package dev.arbor.examples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The command line's exit statuses and what it prints. */
class MainTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @TempDir
    Path dir;

    private int run(String... args) {
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void helpPrintsTheUsageAndExitsZero() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(DemoOptions.USAGE).startsWith("Usage: ./demo");
        assertThat(err.size()).isZero();
    }

    @Test
    void aBadFlagIsAClearErrorWithStatusTwo() {
        assertThat(run("--workers", "zero")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("demo: --workers expects a whole number, got 'zero'"
                + System.lineSeparator() + "Run ./demo --help for the flags." + System.lineSeparator());
        assertThat(out.size()).isZero();
    }

    @Test
    void aBareUnknownFlagIsCalledUnknownNotMissingAValue() {
        assertThat(run("--x")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("demo: unknown flag --x" + System.lineSeparator());
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void aGoodRunPrintsTheSummaryAndExitsZero() {
        int status = run("--messages", "60", "--rate", "0", "--work", "0", "--failure-backoff", "10ms",
                "--progress", "log", "--dead-letter", dir.resolve("dead.jsonl").toString(),
                "--data-dir", dir.resolve("data").toString());
        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(status).as(printed + err).isZero();
        assertThat(printed).contains("Summary after", "lost                0", "stop report    clean",
                "OK: every message processed or dead-lettered");
    }
}
