package dev.arbor.functional;

import dev.arbor.ChildSpec;
import dev.arbor.Restart;
import dev.arbor.Service;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** API.md "ChildSpec": defaults, copies, and validation that names the problem. */
class ChildSpecTest {
    private final Service service = ctx -> ctx.awaitStop();

    @Test
    void ofIsPermanentWithTheSupervisorsDefaultTimeout() {
        ChildSpec spec = ChildSpec.of("worker", service);
        assertThat(spec.name()).isEqualTo("worker");
        assertThat(spec.service()).isSameAs(service);
        assertThat(spec.restart()).isEqualTo(Restart.PERMANENT);
        assertThat(spec.shutdownTimeout()).isNull();
    }

    @Test
    void withMethodsReturnChangedCopiesAndLeaveTheOriginalAlone() {
        ChildSpec spec = ChildSpec.of("worker", service);
        ChildSpec transientSpec = spec.withRestart(Restart.TRANSIENT);
        ChildSpec timed = spec.withShutdownTimeout(Duration.ofSeconds(3));

        assertThat(transientSpec).isEqualTo(new ChildSpec("worker", service, Restart.TRANSIENT, null));
        assertThat(timed).isEqualTo(new ChildSpec("worker", service, Restart.PERMANENT, Duration.ofSeconds(3)));
        assertThat(spec).isEqualTo(new ChildSpec("worker", service, Restart.PERMANENT, null));
        assertThat(timed.withShutdownTimeout(null).shutdownTimeout()).isNull();
        assertThat(spec.withShutdownTimeout(Duration.ZERO).shutdownTimeout()).isZero();
    }

    @Test
    void nullNameIsRejected() {
        assertThatNullPointerException().isThrownBy(() -> ChildSpec.of(null, service)).withMessageContaining("name");
    }

    @Test
    void blankNameIsRejected() {
        assertThatThrownBy(() -> ChildSpec.of("", service))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("name").hasMessageContaining("blank");
        assertThatThrownBy(() -> ChildSpec.of("  \n", service))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("name").hasMessageContaining("blank");
    }

    @Test
    void nullServiceIsRejectedNamingTheChild() {
        assertThatNullPointerException().isThrownBy(() -> ChildSpec.of("worker", null))
                .withMessageContaining("service").withMessageContaining("worker");
    }

    @Test
    void nullRestartIsRejected() {
        assertThatNullPointerException().isThrownBy(() -> ChildSpec.of("worker", service).withRestart(null))
                .withMessageContaining("restart");
    }

    @Test
    void negativeShutdownTimeoutIsRejectedWithItsValue() {
        assertThatThrownBy(() -> ChildSpec.of("worker", service).withShutdownTimeout(Duration.ofSeconds(-2)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("shutdownTimeout must be >= 0, was PT-2S")
                .hasMessageContaining("worker");
        assertThatThrownBy(() -> new ChildSpec("worker", service, Restart.TEMPORARY, Duration.ofNanos(-1)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
