package dev.arbor.functional;

import dev.arbor.Jitter;
import dev.arbor.Supervisor;
import dev.arbor.SupervisorState;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** API.md "Builder and defaults": the builder rejects bad values at once and names them. */
class BuilderValidationTest {
    private final Supervisor.Builder builder = Supervisor.builder("sup");

    @Test
    void negativeFailureBackoffIsRejectedWithItsNameAndValue() {
        assertThatThrownBy(() -> builder.failureBackoff(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("failureBackoff must be >= 0, was PT-1S");
    }

    @Test
    void negativeFailureDecayIsRejectedWithItsNameAndValue() {
        assertThatThrownBy(() -> builder.failureDecay(Duration.ofMillis(-5)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("failureDecay")
                .hasMessageContaining("PT-0.005S");
    }

    @Test
    void negativeShutdownTimeoutIsRejectedWithItsNameAndValue() {
        assertThatThrownBy(() -> builder.shutdownTimeout(Duration.ofNanos(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("shutdownTimeout")
                .hasMessageContaining("PT-0.000000001S");
    }

    @Test
    void nanThresholdIsRejected() {
        assertThatThrownBy(() -> builder.failureThreshold(Double.NaN))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("failureThreshold")
                .hasMessageContaining("NaN");
    }

    @Test
    void negativeThresholdIsRejected() {
        assertThatThrownBy(() -> builder.failureThreshold(-0.5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("failureThreshold")
                .hasMessageContaining("-0.5");
    }

    @Test
    void zeroIsARealValueForEveryDurationAndTheThreshold() {
        Supervisor sup = builder.failureThreshold(0).failureDecay(Duration.ZERO).failureBackoff(Duration.ZERO)
                .shutdownTimeout(Duration.ZERO).build();
        assertThat(sup.state()).isEqualTo(SupervisorState.NEW);
    }

    @Test
    void nullArgumentsAreRejectedWithTheirName() {
        assertThatNullPointerException().isThrownBy(() -> builder.failureBackoff(null)).withMessageContaining("failureBackoff");
        assertThatNullPointerException().isThrownBy(() -> builder.failureDecay(null)).withMessageContaining("failureDecay");
        assertThatNullPointerException().isThrownBy(() -> builder.shutdownTimeout(null)).withMessageContaining("shutdownTimeout");
        assertThatNullPointerException().isThrownBy(() -> builder.strategy(null)).withMessageContaining("strategy");
        assertThatNullPointerException().isThrownBy(() -> builder.stopOrder(null)).withMessageContaining("stopOrder");
        assertThatNullPointerException().isThrownBy(() -> builder.backoffJitter(null)).withMessageContaining("backoffJitter");
        assertThatNullPointerException().isThrownBy(() -> builder.onEvent(null)).withMessageContaining("onEvent");
        assertThatNullPointerException().isThrownBy(() -> builder.clock(null)).withMessageContaining("clock");
        assertThatNullPointerException().isThrownBy(() -> builder.threadFactory(null)).withMessageContaining("threadFactory");
        assertThatNullPointerException().isThrownBy(() -> builder.listener(null)).withMessageContaining("listener");
        assertThatNullPointerException().isThrownBy(() -> builder.eventFlushTimeout(null)).withMessageContaining("eventFlushTimeout");
        assertThatNullPointerException().isThrownBy(() -> builder.shutdownDeadline(null)).withMessageContaining("shutdownDeadline");
    }

    @Test
    void theEventAndDeadlineSettingsRejectBadValuesWithTheirNameAndValue() {
        assertThatThrownBy(() -> builder.eventBuffer(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("eventBuffer must be >= 1, was 0");
        assertThatThrownBy(() -> builder.eventFlushTimeout(Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("eventFlushTimeout must be >= 0, was PT-0.001S");
        assertThatThrownBy(() -> builder.shutdownDeadline(Duration.ofSeconds(-2))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("shutdownDeadline must be >= 0, was PT-2S");
        assertThat(builder.eventBuffer(1).eventFlushTimeout(Duration.ZERO).shutdownDeadline(Duration.ZERO).build().state())
                .isEqualTo(SupervisorState.NEW);
    }

    @Test
    void supervisorNameMustNotBeNullOrBlank() {
        assertThatNullPointerException().isThrownBy(() -> Supervisor.builder(null)).withMessageContaining("name");
        assertThatNullPointerException().isThrownBy(() -> Supervisor.create(null)).withMessageContaining("name");
        assertThatThrownBy(() -> Supervisor.builder(""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("name").hasMessageContaining("blank");
        assertThatThrownBy(() -> Supervisor.create(" \t"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("name").hasMessageContaining("blank");
    }

    @Test
    void aRejectedValueLeavesTheBuilderUsable() {
        assertThatThrownBy(() -> builder.failureBackoff(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
        Supervisor sup = builder.backoffJitter(Jitter.none()).build();
        assertThat(sup.name()).isEqualTo("sup");
    }

    @Test
    void createAndBuildGiveANewSupervisorWithTheName() {
        assertThat(Supervisor.create("a").name()).isEqualTo("a");
        assertThat(Supervisor.create("a").state()).isEqualTo(SupervisorState.NEW);
        assertThat(builder.build()).isNotSameAs(builder.build());
    }
}
