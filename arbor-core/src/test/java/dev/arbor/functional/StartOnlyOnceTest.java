package dev.arbor.functional;

import dev.arbor.Supervisor;
import dev.arbor.SupervisorState;
import dev.arbor.testing.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * API.md: "Only a root is started, by start() or run(), and only once ... Breaking these rules is
 * an IllegalStateException, never a hang" (suture's trap: a second run() that corrupts state).
 */
class StartOnlyOnceTest {
    private final ManualClock clock = new ManualClock();
    private final Supervisor root = Supervisor.builder("root").clock(clock).build();
    private final AtomicInteger runs = new AtomicInteger();

    @AfterEach
    void stopRoot() throws InterruptedException {
        root.stop();
    }

    private void addCountingChild(Supervisor sup) {
        sup.add("worker", ctx -> {
            runs.incrementAndGet();
            ctx.awaitStop();
        });
    }

    @Test
    void startTwiceThrowsAndLeavesTheFirstRunAlone() throws Exception {
        addCountingChild(root);
        root.start();
        Bound.until("worker running", () -> runs.get() == 1);

        assertThatThrownBy(root::start)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("root").hasMessageContaining("already started");

        assertThat(root.state()).isEqualTo(SupervisorState.RUNNING);
        assertThat(root.children()).singleElement().satisfies(c -> assertThat(c.restarts()).isZero());
        assertThat(root.stop().clean()).isTrue();
        assertThat(runs).hasValue(1);
    }

    @Test
    void runAfterStartThrowsWithoutBlocking() {
        root.start();
        assertTimeoutPreemptively(Bound.BOUND, () ->
                assertThatThrownBy(root::run).isInstanceOf(IllegalStateException.class).hasMessageContaining("already started"));
        assertThat(root.state()).isEqualTo(SupervisorState.RUNNING);
    }

    @Test
    void secondRunWhileTheFirstRunsThrowsAndTheFirstRunReturnsNormallyAfterStop() throws Exception {
        addCountingChild(root);
        CompletableFuture<Void> firstRun = new CompletableFuture<>();
        Thread.ofPlatform().start(() -> {
            try {
                root.run();
                firstRun.complete(null);
            } catch (Throwable t) {
                firstRun.completeExceptionally(t);
            }
        });
        Bound.until("worker running", () -> runs.get() == 1);

        assertTimeoutPreemptively(Bound.BOUND, () ->
                assertThatThrownBy(root::run).isInstanceOf(IllegalStateException.class));

        assertThat(firstRun).isNotDone();
        assertThat(root.stop().clean()).isTrue();
        Bound.get(firstRun);
        assertThat(runs).hasValue(1);
    }

    @Test
    void startOrRunAfterStopThrows() throws Exception {
        root.start();
        root.stop();
        assertThatThrownBy(root::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("already stopped");
        assertTimeoutPreemptively(Bound.BOUND, () ->
                assertThatThrownBy(root::run).isInstanceOf(IllegalStateException.class));
        assertThat(root.state()).isEqualTo(SupervisorState.TERMINATED);
    }

    @Test
    void startAfterStopOfANeverStartedSupervisorThrowsAndItsChildrenNeverRun() throws Exception {
        addCountingChild(root);
        root.stop();
        assertThatThrownBy(root::start).isInstanceOf(IllegalStateException.class);
        assertTimeoutPreemptively(Bound.BOUND, () ->
                assertThatThrownBy(root::run).isInstanceOf(IllegalStateException.class));
        assertThat(runs).hasValue(0);
        assertThat(root.state()).isEqualTo(SupervisorState.TERMINATED);
    }

    @Test
    void startOrRunOnAChildSupervisorThrowsNamingItsParent() throws Exception {
        Supervisor child = Supervisor.builder("child").clock(clock).build();
        addCountingChild(child);
        root.add("child", child);

        assertThatThrownBy(child::start)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("\"child\"").hasMessageContaining("\"root\"");
        assertTimeoutPreemptively(Bound.BOUND, () ->
                assertThatThrownBy(child::run).isInstanceOf(IllegalStateException.class).hasMessageContaining("\"root\""));
        assertThat(child.state()).isEqualTo(SupervisorState.NEW);
        assertThat(runs).hasValue(0);

        // It is still its parent's to run.
        root.start();
        Bound.until("child's worker running", () -> runs.get() == 1);
        assertThat(child.state()).isEqualTo(SupervisorState.RUNNING);
        assertThatThrownBy(child::start).isInstanceOf(IllegalStateException.class);
        assertThat(root.stop().clean()).isTrue();
        assertThat(child.state()).isEqualTo(SupervisorState.TERMINATED);
    }
}
