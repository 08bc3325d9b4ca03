package dev.arbor.examples.broker;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The dead-letter file: one JSON object per line, readable back, truncated on create. */
class JsonLinesDeadLetterFileTest {
    @TempDir
    Path dir;

    private final DeadLetter first = new DeadLetter(1, 3, "worker-1", "MalformedMessageException: bad",
            "2025-01-01T00:00:00Z", "{\"customer\":\"c-1\",\"sku\":\"TE");
    private final DeadLetter second = new DeadLetter(2, 3, "worker-2", "reason\nwith a newline",
            "2025-01-01T00:00:01Z", "line one\nline two");

    @Test
    void writesOneJsonObjectPerLineAndReadsThemBack() throws IOException {
        Path path = dir.resolve("nested/dir/dead.jsonl");
        try (JsonLinesDeadLetterFile file = JsonLinesDeadLetterFile.create(path)) {
            assertThat(file.path()).isEqualTo(path.toAbsolutePath());
            file.deadLetter(first);
            file.deadLetter(second);
        }
        assertThat(Files.readAllLines(path, StandardCharsets.UTF_8)).hasSize(2)
                .allSatisfy(line -> assertThat(line).startsWith("{\"messageId\":").endsWith("}"));
        assertThat(JsonLinesDeadLetterFile.read(path)).containsExactly(first, second);
    }

    @Test
    void aLetterIsInTheFileAsSoonAsTheCallReturns() throws IOException {
        Path path = dir.resolve("dead.jsonl");
        try (JsonLinesDeadLetterFile file = JsonLinesDeadLetterFile.create(path)) {
            file.deadLetter(first);
            assertThat(JsonLinesDeadLetterFile.read(path)).containsExactly(first);
        }
    }

    @Test
    void createTruncatesAnOldFile() throws IOException {
        Path path = dir.resolve("dead.jsonl");
        Files.writeString(path, "old\n");
        try (JsonLinesDeadLetterFile file = JsonLinesDeadLetterFile.create(path)) {
            file.deadLetter(second);
        }
        assertThat(JsonLinesDeadLetterFile.read(path)).containsExactly(second);
    }

    @Test
    void keepsOneLetterPerMessageId() throws IOException {
        try (JsonLinesDeadLetterFile file = JsonLinesDeadLetterFile.create(dir.resolve("dead.jsonl"))) {
            assertThat(file.deadLetter(first)).isTrue();
            assertThat(file.deadLetter(first)).as("redelivered after a crash between write and ack").isFalse();
            assertThat(file.size()).isEqualTo(1);
            assertThat(file.contains(1)).isTrue();
            assertThat(JsonLinesDeadLetterFile.read(file.path())).containsExactly(first);
        }
    }

    @Test
    void resumingKeepsTheLettersDropsAHalfWrittenLineAndAppends() throws IOException {
        Path path = dir.resolve("dead.jsonl");
        try (JsonLinesDeadLetterFile file = JsonLinesDeadLetterFile.create(path)) {
            file.deadLetter(first);
        }
        Files.writeString(path, "{\"messageId\":2,\"deliv", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        try (JsonLinesDeadLetterFile file = JsonLinesDeadLetterFile.open(path, true)) {
            assertThat(file.size()).isEqualTo(1);
            assertThat(file.deadLetter(first)).isFalse();
            assertThat(file.deadLetter(second)).isTrue();
        }
        assertThat(JsonLinesDeadLetterFile.read(path)).containsExactly(first, second);
    }

    @Test
    void aClosedFileRefusesLettersSoTheArchiverLeavesThemOnTheQueue() throws IOException {
        JsonLinesDeadLetterFile file = JsonLinesDeadLetterFile.create(dir.resolve("dead.jsonl"));
        file.close();
        file.close();
        assertThatThrownBy(() -> file.deadLetter(first)).isInstanceOf(IOException.class).hasMessageContaining("closed");
        assertThatThrownBy(() -> file.deadLetter(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> JsonLinesDeadLetterFile.create(null)).isInstanceOf(NullPointerException.class);
    }
}
