package dev.arbor.functional;

import dev.arbor.ServiceRef;
import dev.arbor.Supervisor;
import dev.arbor.testing.ManualClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** API.md: "a ServiceRef of another supervisor" is a bad argument (IllegalArgumentException). */
class ForeignServiceRefTest {
    private final ManualClock clock = new ManualClock();
    private final Supervisor mine = Supervisor.builder("mine").clock(clock).build();
    private final Supervisor theirs = Supervisor.builder("theirs").clock(clock).build();

    @Test
    void removeWithAnotherSupervisorsRefThrowsAndRemovesNothing() {
        mine.add("worker", ctx -> ctx.awaitStop());
        ServiceRef foreign = theirs.add("worker", ctx -> ctx.awaitStop());

        assertThatThrownBy(() -> mine.remove(foreign))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("\"mine\"");
        assertThatThrownBy(() -> mine.removeAndWait(foreign, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("\"mine\"");

        assertThat(mine.children()).hasSize(1);
        assertThat(theirs.children()).hasSize(1);
    }

    @Test
    void aRefNotMadeByAnySupervisorIsRejected() {
        mine.add("worker", ctx -> ctx.awaitStop());
        ServiceRef forged = () -> "worker";
        assertThatThrownBy(() -> mine.remove(forged)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ServiceRef \"worker\"").hasMessageContaining("not made by a supervisor");
        assertThat(mine.children()).hasSize(1);
    }

    @Test
    void nullRefIsRejected() {
        assertThatNullPointerException().isThrownBy(() -> mine.remove(null)).withMessageContaining("ref");
        assertThatNullPointerException().isThrownBy(() -> mine.removeAndWait(null, Duration.ZERO)).withMessageContaining("ref");
    }

    @Test
    void removeAndWaitRejectsANegativeOrNullTimeout() {
        ServiceRef ref = mine.add("worker", ctx -> ctx.awaitStop());
        assertThatThrownBy(() -> mine.removeAndWait(ref, Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("timeout");
        assertThatNullPointerException().isThrownBy(() -> mine.removeAndWait(ref, null)).withMessageContaining("timeout");
        assertThat(mine.children()).hasSize(1);
    }
}
