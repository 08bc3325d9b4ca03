package dev.arbor.internal;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * RestartIntensity alone: more than {@code restarts} restarts within one window (inclusive, OTP's
 * rule) exceed the limit; the window slides exactly; a zero limit gives up at the first restart;
 * the ring grows only while its timestamps are inside the window; and random sequences agree with
 * a naive list of every timestamp (OTP's O(n) algorithm).
 */
class RestartIntensityTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void moreThanTheLimitWithinTheWindowExceedsIt() {
        RestartIntensity i = new RestartIntensity(3, Duration.ofSeconds(5));
        assertThat(i.exceededBy(0)).isFalse();
        assertThat(i.exceededBy(SECOND)).isFalse();
        assertThat(i.exceededBy(2 * SECOND)).as("3 restarts are tolerated").isFalse();
        assertThat(i.exceededBy(5 * SECOND)).as("the 4th, exactly one window after the 1st, is inside it").isTrue();
    }

    @Test
    void theWindowSlides() {
        RestartIntensity i = new RestartIntensity(2, Duration.ofSeconds(5));
        assertThat(i.exceededBy(0)).isFalse();
        assertThat(i.exceededBy(4 * SECOND)).isFalse();
        assertThat(i.exceededBy(5 * SECOND + 1)).as("the restart at 0 is out of the window").isFalse();
        assertThat(i.exceededBy(9 * SECOND)).as("4, 5+, 9: three within 5 s").isTrue();
    }

    @Test
    void aZeroLimitGivesUpAtTheFirstRestart() {
        assertThat(new RestartIntensity(0, Duration.ofNanos(1)).exceededBy(42)).isTrue();
    }

    @Test
    void resetForgetsEveryRestart() {
        RestartIntensity i = new RestartIntensity(1, Duration.ofSeconds(5));
        assertThat(i.exceededBy(0)).isFalse();
        i.reset();
        assertThat(i.exceededBy(1)).isFalse();
        assertThat(i.exceededBy(2)).isTrue();
    }

    @Test
    void aHugeLimitCostsMemoryOnlyForTheRestartsThatHappen() {
        RestartIntensity i = new RestartIntensity(Integer.MAX_VALUE, Duration.ofSeconds(1));
        for (long t = 0; t < 100_000; t++) {
            assertThat(i.exceededBy(t * SECOND)).isFalse();   // one per second: never more than 2 in the window
        }
        assertThat(i.inWindow(100_000 * SECOND)).isEqualTo(1);
    }

    @Test
    void randomSequencesAgreeWithAListOfEveryTimestamp() {
        SplittableRandom random = new SplittableRandom(9);
        for (int round = 0; round < 2_000; round++) {
            int restarts = random.nextInt(0, 40);
            long window = random.nextLong(1, 50);
            RestartIntensity ring = new RestartIntensity(restarts, Duration.ofNanos(window));
            ArrayDeque<Long> all = new ArrayDeque<>();
            long now = 0;
            for (int step = 0; step < 200; step++) {
                now += random.nextInt(0, 10);
                all.addLast(now);
                long from = now - window;
                long inWindow = all.stream().filter(t -> t >= from).count();
                boolean expected = inWindow > restarts;
                assertThat(ring.exceededBy(now)).as("round %d step %d", round, step).isEqualTo(expected);
                if (expected) {
                    ring.reset();
                    all.clear();
                }
            }
        }
    }
}
