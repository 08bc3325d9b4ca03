package dev.arbor.functional;

import dev.arbor.SupervisorEvent.ServiceStarted;
import dev.arbor.SupervisorEvent.ServiceStopped;
import dev.arbor.SupervisorEvent.SupervisorTerminated;
import dev.arbor.Supervisor;
import dev.arbor.SupervisorState;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * API.md: "run() returns normally after stop() ... Interrupting the thread in run() stops the
 * supervisor, and run() then throws InterruptedException."
 */
class RunTest extends HungChildFixture {
    /** run() on its own platform thread; the future holds what run() threw, or null. */
    private record RunCall(Thread thread, CompletableFuture<Void> result) {
    }

    private RunCall runAsync() {
        CompletableFuture<Void> result = new CompletableFuture<>();
        Thread thread = Thread.ofPlatform().name("test-run").unstarted(() -> {
            try {
                sup.run();
                result.complete(null);
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        });
        return new RunCall(thread, result);
    }

    @Test
    void runBlocksUntilStopThenReturnsNormally() throws Exception {
        sup.add("worker", ctx -> ctx.awaitStop());
        RunCall run = runAsync();
        run.thread().start();
        log.next(ServiceStarted.class);
        assertThat(sup.state()).isEqualTo(SupervisorState.RUNNING);
        assertThat(run.result()).isNotDone();

        assertThat(sup.stop().clean()).isTrue();

        Bound.get(run.result());                  // normal return: no exception
        Bound.join(run.thread());
        assertThat(sup.terminationCause()).isEmpty();
    }

    @Test
    void interruptingRunStopsTheSupervisorAndThrowsInterruptedException() throws Exception {
        sup.add("worker", ctx -> ctx.awaitStop());
        RunCall run = runAsync();
        run.thread().start();
        log.next(ServiceStarted.class);

        run.thread().interrupt();

        assertThatThrownBy(() -> Bound.get(run.result()))
                .isInstanceOf(ExecutionException.class).cause().isInstanceOf(InterruptedException.class);
        log.next(ServiceStopped.class);
        assertThat(log.next(SupervisorTerminated.class).cause()).isNull();
        assertThat(sup.state()).isEqualTo(SupervisorState.TERMINATED);
        assertThat(sup.terminationCause()).isEmpty();
    }

    @Test
    void interruptedRunWaitsForTheChildrenBoundedByTheirShutdownTimeout() throws Exception {
        sup.add("hung", hung);
        RunCall run = runAsync();
        run.thread().start();
        hung.awaitStarted();

        run.thread().interrupt();
        Bound.pendingTasks(clock, 1);             // the hung child's shutdown timer
        assertThat(sup.state()).isEqualTo(SupervisorState.STOPPING);
        assertThat(run.result()).isNotDone();     // run() does not give up on the children early

        clock.advance(Duration.ofSeconds(5));

        assertThatThrownBy(() -> Bound.get(run.result()))
                .isInstanceOf(ExecutionException.class).cause().isInstanceOf(InterruptedException.class);
        assertThat(sup.state()).isEqualTo(SupervisorState.TERMINATED);
    }

    @Test
    void runCalledWithTheInterruptFlagAlreadySetStopsAtOnceAndThrows() throws Exception {
        Supervisor other = Supervisor.builder("other").clock(clock).onEvent(e -> { }).build();
        other.add("worker", ctx -> ctx.awaitStop());
        CompletableFuture<Throwable> thrown = new CompletableFuture<>();
        Thread.ofPlatform().start(() -> {
            Thread.currentThread().interrupt();
            try {
                other.run();
                thrown.complete(null);
            } catch (Throwable t) {
                thrown.complete(t);
            }
        });
        assertThat(Bound.get(thrown)).isInstanceOf(InterruptedException.class);
        assertThat(other.state()).isEqualTo(SupervisorState.TERMINATED);
        assertThat(other.stop().clean()).isTrue();
    }
}
