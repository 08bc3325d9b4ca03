package dev.arbor.internal;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The decayed failure count on its own: failures = failures * 0.5^((t - tPrev) / halfLife) + 1. */
class FailureCounterTest {
    private static final long S = 1_000_000_000L;
    private static final double EPS = 1e-9;

    @Test
    void firstFailureCountsOne() {
        FailureCounter counter = new FailureCounter(Duration.ofSeconds(30));
        assertThat(counter.current(0)).isZero();
        assertThat(counter.record(123 * S)).isEqualTo(1.0);
    }

    @Test
    void failuresAtTheSameInstantAddUp() {
        FailureCounter counter = new FailureCounter(Duration.ofSeconds(30));
        assertThat(counter.record(0)).isEqualTo(1.0);
        assertThat(counter.record(0)).isEqualTo(2.0);
        assertThat(counter.record(0)).isEqualTo(3.0);
    }

    @Test
    void countHalvesEveryHalfLifeBeforeTheNewFailureIsAdded() {
        FailureCounter counter = new FailureCounter(Duration.ofSeconds(30));
        counter.record(0);                                                  // 1
        assertThat(counter.record(30 * S)).isCloseTo(1 * 0.5 + 1, within(EPS));          // 1.5
        assertThat(counter.record(90 * S)).isCloseTo(1.5 * 0.25 + 1, within(EPS));       // 1.375
        assertThat(counter.record(100 * S)).isCloseTo(1.375 * Math.pow(0.5, 10.0 / 30) + 1, within(EPS));
    }

    @Test
    void currentDecaysWithoutCounting() {
        FailureCounter counter = new FailureCounter(Duration.ofSeconds(10));
        counter.record(0);
        counter.record(0);                                                  // 2
        assertThat(counter.current(0)).isEqualTo(2.0);
        assertThat(counter.current(10 * S)).isCloseTo(1.0, within(EPS));
        assertThat(counter.current(20 * S)).isCloseTo(0.5, within(EPS));
        // reading the current count did not move the reference instant
        assertThat(counter.record(10 * S)).isCloseTo(2.0, within(EPS));
    }

    @Test
    void zeroHalfLifeKeepsNoMemory() {
        FailureCounter counter = new FailureCounter(Duration.ZERO);
        assertThat(counter.record(0)).isEqualTo(1.0);
        assertThat(counter.record(0)).isEqualTo(1.0);
        assertThat(counter.record(1)).isEqualTo(1.0);
        assertThat(counter.current(2)).isZero();
    }

    @Test
    void resetForgetsEverythingAndTheNextFailureCountsOne() {
        FailureCounter counter = new FailureCounter(Duration.ofSeconds(30));
        counter.record(0);
        counter.record(0);
        counter.reset();
        assertThat(counter.current(0)).isZero();
        assertThat(counter.record(5 * S)).isEqualTo(1.0);
    }

    @Test
    void hugeHalfLifeDoesNotOverflow() {
        FailureCounter counter = new FailureCounter(Duration.ofSeconds(Long.MAX_VALUE));
        counter.record(0);
        assertThat(counter.record(1_000 * S)).isCloseTo(2.0, within(1e-6));
    }
}
