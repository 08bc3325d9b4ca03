package dev.arbor.functional;

import dev.arbor.ChildSpec;
import dev.arbor.StopReport;
import dev.arbor.Supervisor;
import dev.arbor.SupervisorState;
import dev.arbor.testing.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** API.md: "add while the supervisor is STOPPING or TERMINATED throws IllegalStateException". */
class AddWhileStoppingTest {
    private final ManualClock clock = new ManualClock();
    private final Supervisor sup = Supervisor.builder("sup").clock(clock).shutdownTimeout(Duration.ofSeconds(5)).build();
    private final Hung hung = new Hung();

    @AfterEach
    void releaseHungChild() {
        hung.release();
    }

    @Test
    void addWhileStoppingThrowsNamingTheChildAndTheState() throws Exception {
        sup.add("hung", hung);
        sup.start();
        hung.awaitStarted();
        CompletableFuture<StopReport> stop = Bound.stopAsync(sup);
        Bound.pendingTasks(clock, 1);
        assertThat(sup.state()).isEqualTo(SupervisorState.STOPPING);

        assertThatThrownBy(() -> sup.add("late", ctx -> ctx.awaitStop()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("late").hasMessageContaining("stopping");
        assertThatThrownBy(() -> sup.add(ChildSpec.of("late", ctx -> ctx.awaitStop())))
                .isInstanceOf(IllegalStateException.class);

        clock.advance(Duration.ofSeconds(5));
        Bound.get(stop);
        assertThat(sup.children()).extracting(c -> c.name()).containsExactly("hung");
    }

    @Test
    void addAfterTerminationThrows() throws Exception {
        sup.start();
        sup.stop();
        assertThatThrownBy(() -> sup.add("late", ctx -> ctx.awaitStop()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("late").hasMessageContaining("terminated");
        assertThat(sup.children()).isEmpty();
    }

    @Test
    void aSupervisorRefusedBecauseTheParentIsStoppingIsStillFreeToJoinAnotherTree() throws Exception {
        sup.stop();
        Supervisor sub = Supervisor.builder("sub").clock(clock).build();
        assertThatThrownBy(() -> sup.add("sub", sub)).isInstanceOf(IllegalStateException.class);

        Supervisor other = Supervisor.builder("other").clock(clock).build();
        other.add("sub", sub);
        other.start();
        assertThat(sub.state()).isEqualTo(SupervisorState.RUNNING);
        assertThat(other.stop().clean()).isTrue();
    }
}
