package dev.arbor.examples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The ledger that makes processing idempotent, in memory and in a file that outlives the JVM. */
class ProcessedLedgerTest {
    @TempDir
    Path dir;

    private static final Order TEA = new Order("c-1", "TEA-GREEN", 2, 650);

    @Test
    void recordsEachIdOnceAndCountsTheRest() {
        ProcessedLedger ledger = new ProcessedLedger();
        assertThat(ledger.record(1, TEA)).isTrue();
        assertThat(ledger.record(1, TEA)).isFalse();
        assertThat(ledger.size()).isEqualTo(1);
        assertThat(ledger.duplicates()).isEqualTo(1);
        assertThat(ledger.totalCents()).isEqualTo(1300);
        assertThatThrownBy(() -> ledger.record(0, TEA)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("id must be > 0, was 0");
    }

    @Test
    void aResumedLedgerKnowsWhatTheLastProcessRecordedAndDropsAHalfWrittenLine() throws IOException {
        Path file = dir.resolve("sub/processed.ledger");
        try (ProcessedLedger ledger = ProcessedLedger.open(file, false)) {
            ledger.record(1, TEA);
            ledger.record(2, TEA);
        }
        Files.writeString(file, "3 13", StandardCharsets.UTF_8, StandardOpenOption.APPEND);   // killed mid-write
        try (ProcessedLedger ledger = ProcessedLedger.open(file, true)) {
            assertThat(ledger.ids()).containsExactlyInAnyOrder(1L, 2L);
            assertThat(ledger.loaded()).isEqualTo(2);
            assertThat(ledger.totalCents()).isEqualTo(2600);
            assertThat(ledger.record(2, TEA)).as("a redelivery after the restart").isFalse();
            assertThat(ledger.record(3, TEA)).isTrue();
        }
        assertThat(Files.readAllLines(file)).containsExactly("1 1300", "2 1300", "3 1300");
        try (ProcessedLedger fresh = ProcessedLedger.open(file, false)) {
            assertThat(fresh.size()).isZero();
        }
        assertThat(Files.readString(file)).isEmpty();
    }
}
