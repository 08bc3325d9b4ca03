package dev.arbor.functional;

import dev.arbor.StopReport;
import dev.arbor.Supervisor;
import dev.arbor.SupervisorEvent.ServiceStarted;
import dev.arbor.SupervisorEvent.ServiceStopped;
import dev.arbor.SupervisorState;
import dev.arbor.UnstoppedService;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/** API.md: {@code close()} is {@code stop()}, restoring the interrupt flag if interrupted. */
class CloseTest extends HungChildFixture {
    @Test
    void tryWithResourcesStopsTheSupervisorAndItsChildren() throws Exception {
        try (Supervisor s = sup) {
            s.add("worker", ctx -> ctx.awaitStop());
            s.start();
            log.next(ServiceStarted.class);
        }
        log.next(ServiceStopped.class);
        assertThat(sup.state()).isEqualTo(SupervisorState.TERMINATED);
        assertThat(sup.stop().clean()).isTrue();
    }

    @Test
    void closeOfANeverStartedSupervisorTerminatesIt() {
        sup.close();
        assertThat(sup.state()).isEqualTo(SupervisorState.TERMINATED);
    }

    @Test
    void closeInterruptedWhileWaitingReturnsWithTheFlagSetAndTheStopGoesOn() throws Exception {
        sup.add("hung", hung);
        sup.start();
        hung.awaitStarted();

        CompletableFuture<Boolean> flagAfterClose = new CompletableFuture<>();
        Thread.ofPlatform().start(() -> {
            Thread.currentThread().interrupt();      // close() cannot wait: it must return, flag kept
            sup.close();
            flagAfterClose.complete(Thread.currentThread().isInterrupted());
        });

        assertThat(Bound.get(flagAfterClose)).isTrue();
        assertThat(sup.state()).isEqualTo(SupervisorState.STOPPING);
        Bound.pendingTasks(clock, 1);

        clock.advance(Duration.ofSeconds(5));

        StopReport report = sup.stop();
        assertThat(sup.state()).isEqualTo(SupervisorState.TERMINATED);
        assertThat(report.unstopped()).containsExactly(new UnstoppedService(List.of("sup"), "hung"));
    }

    @Test
    void closeInterruptedWhileAlreadyWaitingReturnsWithTheFlagSet() throws Exception {
        sup.add("hung", hung);
        sup.start();
        hung.awaitStarted();

        CompletableFuture<Boolean> flagAfterClose = new CompletableFuture<>();
        Thread closer = Thread.ofPlatform().start(() -> {
            sup.close();
            flagAfterClose.complete(Thread.currentThread().isInterrupted());
        });
        Bound.pendingTasks(clock, 1);
        Bound.until("close() waiting", () -> closer.getState() == Thread.State.WAITING);
        assertThat(flagAfterClose).isNotDone();

        closer.interrupt();

        assertThat(Bound.get(flagAfterClose)).isTrue();
        assertThat(sup.state()).isEqualTo(SupervisorState.STOPPING);
        clock.advance(Duration.ofSeconds(5));
        assertThat(sup.awaitTermination(Bound.BOUND)).isTrue();
    }
}
