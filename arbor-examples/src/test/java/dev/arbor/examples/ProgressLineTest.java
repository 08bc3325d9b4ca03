package dev.arbor.examples;

import dev.arbor.SupervisorState;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The progress line's text, and how it is written in each mode. */
class ProgressLineTest {
    private static final ProgressLine.Snapshot BUSY = new ProgressLine.Snapshot(Duration.ofMillis(12_340), 1520, 3000,
            30, 95, 93, 2, SupervisorState.BACKOFF, 0, 4, 3);
    private static final ProgressLine.Snapshot DONE = new ProgressLine.Snapshot(Duration.ofMillis(15_000), 2930, 3000,
            70, 225, 225, 6, SupervisorState.TERMINATED, 0, 4, -1);

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    @Test
    void showsTheCountsTheStateAndTheCpu() {
        assertThat(ProgressLine.render(BUSY)).isEqualTo(
                " 12.3s  processed 1520/3000  dead-lettered 30  crashes 95  restarts 93  backoffs 2  [BACKOFF 0/4 up]  cpu   3%");
        assertThat(ProgressLine.render(DONE)).endsWith("[TERMINATED 0/4 up]");
    }

    @Test
    void onATerminalItRewritesOneLineInPlaceAndPadsOverLongerText() {
        AtomicReference<ProgressLine.Snapshot> current = new AtomicReference<>(BUSY);
        ProgressLine line = new ProgressLine(out, ProgressMode.LINE, 0, current::get);
        line.start();
        current.set(DONE);
        line.close();

        String text = out();
        assertThat(text).startsWith("\r").endsWith(System.lineSeparator());
        assertThat(text.chars().filter(c -> c == '\n').count()).as("one line, however many updates").isEqualTo(1);
        assertThat(text).contains("\r" + ProgressLine.render(DONE));
    }

    @Test
    void onANarrowTerminalItUsesShortLabelsAndNeverWraps() {
        assertThat(ProgressLine.renderCompact(BUSY)).isEqualTo(
                " 12.3s BACKOFF 0/4 up  ok 1520/3000  dlq 30  crash 95  restart 93  backoff 2");

        new ProgressLine(out, ProgressMode.LINE, 80, () -> BUSY).close();
        assertThat(out()).isEqualTo("\r" + ProgressLine.renderCompact(BUSY) + System.lineSeparator());

        bytes.reset();
        new ProgressLine(out, ProgressMode.LINE, 40, () -> BUSY).close();
        assertThat(out()).isEqualTo("\r" + ProgressLine.renderCompact(BUSY).substring(0, 39) + System.lineSeparator());
    }

    @Test
    void onAWideTerminalItUsesTheFullLine() {
        new ProgressLine(out, ProgressMode.LINE, 200, () -> BUSY).close();
        assertThat(out()).isEqualTo("\r" + ProgressLine.render(BUSY) + System.lineSeparator());
    }

    @Test
    void inALogItPrintsWholeLines() {
        ProgressLine line = new ProgressLine(out, ProgressMode.LOG, 0, () -> DONE);
        line.close();
        assertThat(out()).isEqualTo(ProgressLine.render(DONE) + System.lineSeparator()).doesNotContain("\r");
    }

    @Test
    void offPrintsNothing() {
        ProgressLine line = new ProgressLine(out, ProgressMode.OFF, 0, () -> DONE);
        line.start();
        line.close();
        assertThat(out()).isEmpty();
    }

    @Test
    void argumentsAreValidated() {
        assertThatThrownBy(() -> new ProgressLine(out, ProgressMode.AUTO, 0, () -> DONE))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ProgressLine(out, ProgressMode.LINE, -1, () -> DONE))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ProgressLine(null, ProgressMode.LINE, 0, () -> DONE))
                .isInstanceOf(NullPointerException.class);
        assertThat(ProgressMode.LOG.resolve()).isEqualTo(ProgressMode.LOG);
        assertThat(ProgressMode.AUTO.resolve()).as("surefire's stdout is no terminal").isEqualTo(ProgressMode.LOG);
    }

    private String out() {
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
