package dev.arbor.internal;

import dev.arbor.Jitter;
import dev.arbor.StopOrder;
import dev.arbor.Strategy;
import dev.arbor.SupervisorClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * FailurePolicy alone (API.md "Failure accounting"): strictly above the threshold starts a
 * backoff, failures during it do not extend it, its end forgets every failure and cancels the
 * timer, a shutdown cuts it short but keeps the count, a stale timer is recognised, and a jitter
 * that misbehaves falls back to the base.
 */
class FailurePolicyTest {
    private static final long SECOND = 1_000_000_000L;
    private static final Duration BACKOFF = Duration.ofSeconds(10);

    private static FailurePolicy policy(double threshold, Jitter jitter) {
        return new FailurePolicy(new Config("p", Strategy.ONE_FOR_ONE, threshold, Duration.ofSeconds(30), BACKOFF,
                jitter, Duration.ofSeconds(1), null, StopOrder.REVERSE, true, null, 1, Duration.ZERO, SupervisorClock.system(),
                null, -1, null, dev.arbor.AutoShutdown.NEVER));
    }

    @Test
    void onlyACountStrictlyAboveTheThresholdStartsABackoff() {
        FailurePolicy p = policy(2, Jitter.none());
        assertThat(p.exceeded(p.record(0))).isFalse();
        assertThat(p.exceeded(p.record(0))).as("2 is not above 2").isFalse();
        assertThat(p.exceeded(p.record(0))).isTrue();
    }

    @Test
    void aBackoffLastsItsJitteredLengthAndFailuresDuringItDoNotExtendIt() {
        FailurePolicy p = policy(0, base -> base.multipliedBy(2));
        Duration delay = p.begin(5 * SECOND);
        assertThat(delay).isEqualTo(Duration.ofSeconds(20));
        assertThat(p.inBackoff()).isTrue();
        assertThat(p.exceeded(p.record(6 * SECOND))).as("no second backoff while one runs").isFalse();
        assertThat(p.remaining(9 * SECOND)).contains(Duration.ofSeconds(16));
        assertThat(p.remaining(40 * SECOND)).contains(Duration.ZERO);
    }

    @Test
    void theEndForgetsEveryFailureAndCancelsTheTimerOnce() {
        FailurePolicy p = policy(0, Jitter.none());
        p.record(0);
        p.begin(0);
        AtomicInteger cancels = new AtomicInteger();
        p.armed(cancels::incrementAndGet);
        long generation = p.generation();
        assertThat(p.isCurrent(generation)).isTrue();

        p.end();
        assertThat(p.inBackoff()).isFalse();
        assertThat(p.current(0)).isZero();
        assertThat(p.remaining(0)).isEmpty();
        assertThat(p.isCurrent(generation)).as("a timer that fires late finds no backoff").isFalse();
        p.end();
        assertThat(cancels).hasValue(1);
    }

    @Test
    void aShutdownCutsTheBackoffShortButKeepsTheCount() {
        FailurePolicy p = policy(0, Jitter.none());
        p.record(0);
        p.begin(0);
        AtomicInteger cancels = new AtomicInteger();
        p.armed(cancels::incrementAndGet);

        p.cutShort();
        assertThat(p.inBackoff()).isFalse();
        assertThat(cancels).hasValue(1);
        assertThat(p.current(0)).isEqualTo(1.0);
    }

    @Test
    void aTimerOfAnEarlierBackoffIsStale() {
        FailurePolicy p = policy(0, Jitter.none());
        p.begin(0);
        long first = p.generation();
        p.end();
        p.begin(SECOND);
        assertThat(p.isCurrent(first)).isFalse();
        assertThat(p.isCurrent(p.generation())).isTrue();
    }

    @Test
    void aJitterThatThrowsOrReturnsNonsenseFallsBackToTheBase() {
        assertThat(policy(0, base -> {
            throw new IllegalStateException("jitter bug");
        }).begin(0)).isEqualTo(BACKOFF);
        assertThat(policy(0, base -> null).begin(0)).isEqualTo(BACKOFF);
        assertThat(policy(0, base -> Duration.ofSeconds(-1)).begin(0)).isEqualTo(BACKOFF);
    }
}
