package dev.arbor.examples;

import dev.arbor.examples.broker.DeadLetter;
import dev.arbor.examples.broker.JsonLinesDeadLetterFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code --sigkill-after}: the demo's JVM is killed with SIGKILL in the middle of the run, a new
 * one resumes on the same journal, ledger and dead-letter file, and every message ends up
 * processed or dead-lettered exactly once by id, none lost.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class CrashSafetyTest {
    @TempDir
    Path dir;

    @Test
    void aJvmKilledMidRunLosesNothingAndProcessesNothingTwice() throws Exception {
        Path data = dir.resolve("data");
        Path deadLetters = dir.resolve("dead.jsonl");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        // 600 messages at 400/s: the kill at 200 processed falls well inside the run, before the burst.
        String[] args = {"--messages", "600", "--rate", "400", "--work", "0", "--malformed-share", "0.05",
                "--burst", "20", "--crash-before-ack-share", "0.02", "--failure-backoff", "10ms",
                "--progress", "log", "--data-dir", data.toString(), "--dead-letter", deadLetters.toString(),
                "--sigkill-after", "200"};

        int status = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));

        String printed = out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
        assertThat(status).as(printed).isZero();
        Matcher killed = Pattern.compile("SIGKILL: killed the demo's JVM \\(pid \\d+, exit 137\\) with (\\d+) of 600")
                .matcher(printed);
        assertThat(killed.find()).as(printed).isTrue();
        assertThat(Integer.parseInt(killed.group(1))).as("killed in the middle").isBetween(200, 400);
        assertThat(printed).contains("resumed after a kill:", "lost                0",
                "OK: every message processed or dead-lettered, none lost, none counted twice, nothing left running.");

        MessagePlan plan = MessagePlan.generate(600, 0.05, 20, 0.02, DemoOptions.defaults().seed());
        List<Long> processed = Files.readAllLines(data.resolve("processed.ledger")).stream()
                .map(line -> Long.parseLong(line.split(" ")[0])).toList();
        List<Long> letters = JsonLinesDeadLetterFile.read(deadLetters).stream().map(DeadLetter::messageId).toList();
        assertThat(processed).as("each id in the ledger once, across both JVMs").doesNotHaveDuplicates();
        assertThat(letters).as("each id dead-lettered once").doesNotHaveDuplicates();
        Set<Long> valid = plan.messages().stream().filter(m -> m.kind() == MessagePlan.Kind.VALID)
                .map(MessagePlan.Planned::id).collect(Collectors.toSet());
        assertThat(new HashSet<>(processed)).isEqualTo(valid);
        Set<Long> all = new HashSet<>(processed);
        all.addAll(letters);
        assertThat(all).as("none lost").isEqualTo(LongStream.rangeClosed(1, 600).boxed().collect(Collectors.toSet()));
        assertThat(letters).hasSize(600 - valid.size());
    }
}
