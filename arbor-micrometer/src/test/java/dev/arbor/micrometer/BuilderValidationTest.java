package dev.arbor.micrometer;

import dev.arbor.Supervisor;
import io.micrometer.core.instrument.Tags;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Bad arguments are refused at once, with a message naming them. */
class BuilderValidationTest {
    private final Supervisor root = Supervisor.create("root");

    @Test
    void nullArgumentsAreNamed() {
        assertThatThrownBy(() -> SupervisorMetrics.of(null)).isInstanceOf(NullPointerException.class).hasMessageContaining("root");
        assertThatThrownBy(() -> SupervisorMetrics.builderForRoots(null)).hasMessageContaining("roots");
        assertThatThrownBy(() -> SupervisorMetrics.builder(root).tags(null)).hasMessageContaining("tags");
        assertThatThrownBy(() -> SupervisorMetrics.builder(root).clock(null)).hasMessageContaining("clock");
        assertThatThrownBy(() -> SupervisorMetrics.builder(root).snapshotMaxAge(null)).hasMessageContaining("snapshotMaxAge");
        assertThatThrownBy(() -> SupervisorMetrics.of(root).bindTo(null)).hasMessageContaining("registry");
    }

    @Test
    void aNegativeMaximumAgeIsRefused() {
        assertThatThrownBy(() -> SupervisorMetrics.builder(root).snapshotMaxAge(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("snapshotMaxAge must be >= 0, was PT-0.001S");
    }

    @Test
    void theBindersOwnTagKeysCannotBeSetByTheUser() {
        assertThatThrownBy(() -> SupervisorMetrics.builder(root).tags(Tags.of("supervisor", "x")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("\"supervisor\"");
        assertThatThrownBy(() -> SupervisorMetrics.builder(root).tags(Tags.of("exception", "x")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("\"exception\"");
    }
}
