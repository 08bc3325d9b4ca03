package dev.arbor.functional;

import dev.arbor.Cancellable;
import dev.arbor.testing.ManualClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** API.md "Time, for deterministic tests": what ManualClock promises to a test. */
class ManualClockTest {
    private final ManualClock clock = new ManualClock();
    private final List<String> ran = new ArrayList<>();

    @Test
    void timeStartsAtZeroAndMovesOnlyByAdvance() {
        assertThat(clock.nanoTime()).isZero();
        clock.advance(Duration.ofMillis(1500));
        assertThat(clock.nanoTime()).isEqualTo(1_500_000_000L);
        assertThat(clock.elapsed()).isEqualTo(Duration.ofMillis(1500));
    }

    @Test
    void tasksRunOnlyOnceDueInDueOrderThenSchedulingOrder() {
        clock.schedule(Duration.ofSeconds(3), () -> ran.add("3s"));
        clock.schedule(Duration.ofSeconds(1), () -> ran.add("1s-first"));
        clock.schedule(Duration.ofSeconds(2), () -> ran.add("2s"));
        clock.schedule(Duration.ofSeconds(1), () -> ran.add("1s-second"));

        clock.advance(Duration.ofMillis(999));
        assertThat(ran).isEmpty();
        clock.advance(Duration.ofMillis(1001));
        assertThat(ran).containsExactly("1s-first", "1s-second", "2s");
        assertThat(clock.pendingTasks()).isEqualTo(1);
        clock.advance(Duration.ofSeconds(1));
        assertThat(ran).containsExactly("1s-first", "1s-second", "2s", "3s");
        assertThat(clock.pendingTasks()).isZero();
    }

    @Test
    void eachTaskSeesItsDueTime() {
        List<Long> seen = new ArrayList<>();
        clock.schedule(Duration.ofSeconds(2), () -> seen.add(clock.nanoTime()));
        clock.schedule(Duration.ofSeconds(5), () -> seen.add(clock.nanoTime()));
        clock.advance(Duration.ofSeconds(10));
        assertThat(seen).containsExactly(2_000_000_000L, 5_000_000_000L);
        assertThat(clock.nanoTime()).isEqualTo(10_000_000_000L);
    }

    @Test
    void zeroDelayTaskRunsNotInScheduleButAtTheNextAdvanceEvenOfZero() {
        clock.schedule(Duration.ZERO, () -> ran.add("now"));
        assertThat(ran).isEmpty();
        assertThat(clock.pendingTasks()).isEqualTo(1);
        clock.advance(Duration.ZERO);
        assertThat(ran).containsExactly("now");
        assertThat(clock.nanoTime()).isZero();
    }

    @Test
    void cancelledTaskNeverRunsAndIsNoLongerPending() {
        Cancellable cancelled = clock.schedule(Duration.ofSeconds(1), () -> ran.add("cancelled"));
        clock.schedule(Duration.ofSeconds(1), () -> ran.add("kept"));
        cancelled.cancel();
        assertThat(clock.pendingTasks()).isEqualTo(1);
        clock.advance(Duration.ofSeconds(5));
        assertThat(ran).containsExactly("kept");
        cancelled.cancel();      // cancelling again, or after the time passed, is harmless
        assertThat(clock.pendingTasks()).isZero();
    }

    @Test
    void taskScheduledByATaskWithinTheWindowRunsInTheSameAdvance() {
        clock.schedule(Duration.ofSeconds(1), () -> {
            ran.add("outer");
            clock.schedule(Duration.ofSeconds(1), () -> ran.add("inner at " + clock.nanoTime()));
            clock.schedule(Duration.ofSeconds(5), () -> ran.add("later"));
        });
        clock.advance(Duration.ofSeconds(3));
        assertThat(ran).containsExactly("outer", "inner at 2000000000");
        assertThat(clock.pendingTasks()).isEqualTo(1);
    }

    @Test
    void aThrowingTaskDoesNotStopTheOthersAndIsRethrownAfterwards() {
        clock.schedule(Duration.ofSeconds(1), () -> {
            throw new IllegalStateException("task failed");
        });
        clock.schedule(Duration.ofSeconds(2), () -> ran.add("after"));
        assertThatThrownBy(() -> clock.advance(Duration.ofSeconds(2)))
                .isInstanceOf(IllegalStateException.class).hasMessage("task failed");
        assertThat(ran).containsExactly("after");
        assertThat(clock.nanoTime()).isEqualTo(2_000_000_000L);
    }

    @Test
    void negativeAndNullArgumentsAreRejected() {
        assertThatThrownBy(() -> clock.advance(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PT-1S");
        assertThatThrownBy(() -> clock.schedule(Duration.ofSeconds(-1), () -> { }))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PT-1S");
        assertThatNullPointerException().isThrownBy(() -> clock.advance(null));
        assertThatNullPointerException().isThrownBy(() -> clock.schedule(null, () -> { }));
        assertThatNullPointerException().isThrownBy(() -> clock.schedule(Duration.ZERO, null));
    }
}
