package dev.arbor.functional;

import dev.arbor.Jitter;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** API.md "Jitter": {@code uniform(f)} draws from {@code [base, base * (1 + f))}; bad fractions are rejected. */
class JitterTest {
    private static final Duration BASE = Duration.ofSeconds(10);

    @Test
    void uniformHalfStaysWithinBaseAndOneAndAHalfBase() {
        Jitter jitter = Jitter.uniform(0.5);
        Duration min = null;
        Duration max = null;
        for (int i = 0; i < 20_000; i++) {
            Duration d = jitter.apply(BASE);
            assertThat(d).isGreaterThanOrEqualTo(BASE).isLessThan(Duration.ofSeconds(15));
            min = min == null || d.compareTo(min) < 0 ? d : min;
            max = max == null || d.compareTo(max) > 0 ? d : max;
        }
        // It spreads over the range: 20,000 uniform draws all within 10% of one end is impossible in practice.
        assertThat(min).isLessThan(Duration.ofMillis(10_500));
        assertThat(max).isGreaterThan(Duration.ofMillis(14_500));
    }

    @Test
    void uniformOneStaysBelowTwiceTheBase() {
        Jitter jitter = Jitter.uniform(1.0);
        Set<Duration> seen = new HashSet<>();
        for (int i = 0; i < 1_000; i++) {
            Duration d = jitter.apply(Duration.ofMillis(100));
            assertThat(d).isGreaterThanOrEqualTo(Duration.ofMillis(100)).isLessThan(Duration.ofMillis(200));
            seen.add(d);
        }
        assertThat(seen).hasSizeGreaterThan(1);
    }

    @Test
    void uniformZeroAndNoneReturnTheBaseExactly() {
        assertThat(Jitter.uniform(0).apply(BASE)).isEqualTo(BASE);
        assertThat(Jitter.none().apply(BASE)).isEqualTo(BASE);
        assertThat(Jitter.none().apply(Duration.ZERO)).isZero();
    }

    @Test
    void aZeroBaseStaysZero() {
        assertThat(Jitter.uniform(0.5).apply(Duration.ZERO)).isZero();
    }

    @Test
    void hugeBasesSaturateInsteadOfOverflowingOrThrowing() {
        List<Duration> bases = List.of(Duration.ofNanos(1L << 62), Duration.ofNanos(Long.MAX_VALUE),
                Duration.ofDays(365L * 300), Duration.ofSeconds(Long.MAX_VALUE));
        for (Duration base : bases) {
            for (double fraction : new double[] {0.5, 2.0}) {
                Jitter jitter = Jitter.uniform(fraction);
                for (int i = 0; i < 1_000; i++) {
                    assertThat(jitter.apply(base)).as("uniform(%s) of %s", fraction, base).isGreaterThanOrEqualTo(base);
                }
            }
        }
    }

    @Test
    void negativeFractionIsRejected() {
        assertThatThrownBy(() -> Jitter.uniform(-0.1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-0.1");
    }

    @Test
    void nanFractionIsRejected() {
        assertThatThrownBy(() -> Jitter.uniform(Double.NaN))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NaN");
    }

    @Test
    void infiniteFractionIsRejected() {
        assertThatThrownBy(() -> Jitter.uniform(Double.POSITIVE_INFINITY))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Infinity");
    }
}
