package dev.arbor.internal;

import dev.arbor.ChildSpec;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * ChildBackoff alone: delays double from min up to max without overflow, jitter stretches a delay
 * by at most its fraction, a run that lasted resetAfter starts again from min, and a stale or
 * cancelled timer is recognised.
 */
class ChildBackoffTest {
    private static final long SECOND = 1_000_000_000L;

    private static ChildBackoff backoff(long minS, long maxS, double jitter, long resetS) {
        return new ChildBackoff(new ChildSpec.Backoff(Duration.ofSeconds(minS), Duration.ofSeconds(maxS), jitter,
                Duration.ofSeconds(resetS)));
    }

    @Test
    void delaysDoubleFromMinUpToMax() {
        ChildBackoff b = backoff(1, 5, 0, 100);
        b.runStarted(0);
        assertThat(b.next(0, 0.5)).isEqualTo(Duration.ofSeconds(1));
        assertThat(b.next(0, 0.5)).isEqualTo(Duration.ofSeconds(2));
        assertThat(b.next(0, 0.5)).isEqualTo(Duration.ofSeconds(4));
        assertThat(b.next(0, 0.5)).isEqualTo(Duration.ofSeconds(5));
        assertThat(b.delayNanos(62)).isEqualTo(5 * SECOND);
        assertThat(b.delayNanos(1_000)).as("no overflow").isEqualTo(5 * SECOND);
    }

    @Test
    void jitterStretchesADelayByAtMostItsFraction() {
        ChildBackoff b = backoff(10, 10, 0.5, 100);
        b.runStarted(0);
        assertThat(b.next(0, 0.0)).isEqualTo(Duration.ofSeconds(10));
        assertThat(b.next(0, 0.5)).isEqualTo(Duration.ofMillis(12_500));
        assertThat(b.next(0, 0.999_999)).isLessThan(Duration.ofSeconds(15));
    }

    @Test
    void aRunThatLastedResetAfterStartsAgainFromMin() {
        ChildBackoff b = backoff(1, 60, 0, 10);
        b.runStarted(0);
        b.next(SECOND, 0);
        b.runStarted(2 * SECOND);
        assertThat(b.next(11 * SECOND, 0)).as("9 s is not stable").isEqualTo(Duration.ofSeconds(2));
        b.runStarted(20 * SECOND);
        assertThat(b.next(30 * SECOND, 0)).as("10 s is").isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void aStaleOrCancelledTimerIsNotCurrent() {
        ChildBackoff b = backoff(1, 60, 0, 10);
        b.next(0, 0);
        long first = b.generation();
        b.armed(() -> { });
        b.next(0, 0);
        b.armed(() -> { });
        assertThat(b.isCurrent(first)).isFalse();
        assertThat(b.waiting()).isTrue();
        boolean[] cancelled = {false};
        b.next(0, 0);
        b.armed(() -> cancelled[0] = true);
        long third = b.generation();
        b.runStarted(0);                      // a run on demand ends the wait
        assertThat(cancelled[0]).isTrue();
        assertThat(b.waiting()).isFalse();
        assertThat(b.isCurrent(third)).isFalse();
    }
}
