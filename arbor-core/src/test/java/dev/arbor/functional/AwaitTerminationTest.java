package dev.arbor.functional;

import dev.arbor.Supervisor;
import dev.arbor.SupervisorEvent.ServiceStarted;
import dev.arbor.support.EventLog;
import dev.arbor.testing.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** API.md: {@code awaitTermination} waits in real time, bounded by its timeout. */
class AwaitTerminationTest {
    private final ManualClock clock = new ManualClock();
    private final EventLog log = new EventLog();
    private final Supervisor sup = Supervisor.builder("sup").clock(clock).onEvent(log).build();

    @AfterEach
    void stop() throws InterruptedException {
        sup.stop();
    }

    @Test
    void returnsFalseWhenTheTimeoutElapsesWhileRunning() throws Exception {
        sup.add("worker", ctx -> ctx.awaitStop());
        sup.start();
        long before = System.nanoTime();
        assertThat(sup.awaitTermination(Duration.ofMillis(50))).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - before)).isGreaterThanOrEqualTo(Duration.ofMillis(50));
    }

    @Test
    void zeroTimeoutAnswersAtOnce() throws Exception {
        assertThat(sup.awaitTermination(Duration.ZERO)).isFalse();      // NEW
        sup.start();
        assertThat(sup.awaitTermination(Duration.ZERO)).isFalse();      // RUNNING
        sup.stop();
        assertThat(sup.awaitTermination(Duration.ZERO)).isTrue();       // TERMINATED
    }

    @Test
    void aNeverStartedSupervisorIsNotTerminatedUntilStopped() throws Exception {
        assertThat(sup.awaitTermination(Duration.ofMillis(20))).isFalse();
        sup.stop();
        assertThat(sup.awaitTermination(Duration.ofMillis(20))).isTrue();
    }

    @Test
    void aWaiterIsReleasedWhenAnotherThreadStops() throws Exception {
        sup.add("worker", ctx -> ctx.awaitStop());
        sup.start();
        log.next(ServiceStarted.class);
        CompletableFuture<Boolean> waited = new CompletableFuture<>();
        Thread waiter = Thread.ofPlatform().start(() -> {
            try {
                waited.complete(sup.awaitTermination(Duration.ofDays(1)));
            } catch (Throwable t) {
                waited.completeExceptionally(t);
            }
        });
        Bound.until("waiter parked", () -> waiter.getState() == Thread.State.TIMED_WAITING);
        assertThat(waited).isNotDone();

        sup.stop();

        assertThat(Bound.get(waited)).isTrue();
    }

    @Test
    void interruptingAWaiterThrowsInterruptedExceptionAndLeavesTheSupervisorRunning() throws Exception {
        sup.start();
        CompletableFuture<Throwable> thrown = new CompletableFuture<>();
        Thread waiter = Thread.ofPlatform().start(() -> {
            try {
                sup.awaitTermination(Duration.ofDays(1));
                thrown.complete(null);
            } catch (Throwable t) {
                thrown.complete(t);
            }
        });
        Bound.until("waiter parked", () -> waiter.getState() == Thread.State.TIMED_WAITING);

        waiter.interrupt();

        assertThat(Bound.get(thrown)).isInstanceOf(InterruptedException.class);
        assertThat(sup.state()).isEqualTo(dev.arbor.SupervisorState.RUNNING);
    }

    @Test
    void negativeOrNullTimeoutIsRejected() {
        assertThatThrownBy(() -> sup.awaitTermination(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PT-1S");
        assertThatNullPointerException().isThrownBy(() -> sup.awaitTermination(null));
    }
}
