package dev.arbor.junit5;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** ArborExtension's configuration methods validate eagerly and never change the receiver. */
class ArborExtensionArgumentsTest {
    private final ArborExtension arbor = ArborExtension.create();

    @Test
    void badArgumentsAreRefusedWithAMessageNamingThem() {
        assertThatThrownBy(() -> arbor.named(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("supervisorName must not be null");
        assertThatThrownBy(() -> arbor.named("  ")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("supervisorName must not be blank, was \"  \"");
        assertThatThrownBy(() -> arbor.configure(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("step must not be null");
        assertThatThrownBy(() -> arbor.awaitTimeout(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("awaitTimeout must be >= 0, was PT-1S");
        assertThatThrownBy(() -> arbor.stopTimeout(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("stopTimeout must not be null");
        assertThatThrownBy(() -> arbor.stopTimeout(Duration.ofMillis(-5))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("stopTimeout must be >= 0, was PT-0.005S");
        assertThatThrownBy(() -> arbor.shutdownGrace(Duration.ofSeconds(-2))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("shutdownGrace must be >= 0, was PT-2S");
    }

    @Test
    void eachSettingReturnsACopyAndLeavesTheOriginalAsItWas() {
        ArborExtension changed = arbor.named("tree").awaitTimeout(Duration.ofSeconds(1))
                .stopTimeout(Duration.ofSeconds(2)).shutdownGrace(Duration.ofMillis(3)).failOnTermination(false);

        assertThat(arbor.nameValue()).isEqualTo("root");
        assertThat(arbor.awaitTimeoutValue()).isEqualTo(Duration.ofSeconds(10));
        assertThat(arbor.stopTimeoutValue()).isEqualTo(Duration.ofSeconds(10));
        assertThat(arbor.shutdownGraceValue()).isEqualTo(Duration.ofMillis(500));
        assertThat(arbor.failOnTerminationValue()).isTrue();
        assertThat(changed.nameValue()).isEqualTo("tree");
        assertThat(changed.awaitTimeoutValue()).isEqualTo(Duration.ofSeconds(1));
        assertThat(changed.stopTimeoutValue()).isEqualTo(Duration.ofSeconds(2));
        assertThat(changed.shutdownGraceValue()).isEqualTo(Duration.ofMillis(3));
        assertThat(changed.failOnTerminationValue()).isFalse();
    }
}
