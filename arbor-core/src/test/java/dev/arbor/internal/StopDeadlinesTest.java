package dev.arbor.internal;

import dev.arbor.Cancellable;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * StopDeadlines and Deadline: runs asked together with one timeout share one deadline and one
 * timer; a zero timeout is due at once with no timer; the timer is cancelled when the last of its
 * runs is gone, not before.
 */
class StopDeadlinesTest {
    private final Children children = new Children();

    private Run run(String name) {
        return children.running(name).run;
    }

    @Test
    void runsWithOneTimeoutShareOneDeadline() {
        StopDeadlines deadlines = new StopDeadlines();
        Run a = run("a");
        Run b = run("b");
        Run c = run("c");
        deadlines.add(a, Duration.ofSeconds(5));
        deadlines.add(b, Duration.ofSeconds(1));
        deadlines.add(c, Duration.ofSeconds(5));

        Map<Duration, Deadline> timers = new HashMap<>();
        deadlines.forEachTimer(timers::put);
        assertThat(timers).containsOnlyKeys(Duration.ofSeconds(5), Duration.ofSeconds(1));
        assertThat(timers.get(Duration.ofSeconds(5)).runs).containsExactly(a, c);
        assertThat(timers.get(Duration.ofSeconds(1)).runs).containsExactly(b);
        assertThat(a.deadline).isSameAs(c.deadline).isNotSameAs(b.deadline);
        assertThat(deadlines.dueNow()).isEmpty();
    }

    @Test
    void aZeroTimeoutIsDueAtOnceWithoutATimer() {
        StopDeadlines deadlines = new StopDeadlines();
        Run a = run("a");
        Run b = run("b");
        deadlines.add(a, Duration.ZERO);
        deadlines.add(b, Duration.ZERO);

        AtomicInteger timers = new AtomicInteger();
        deadlines.forEachTimer((timeout, d) -> timers.incrementAndGet());
        assertThat(timers).hasValue(0);
        assertThat(deadlines.dueNow()).containsExactly(a, b);
        assertThat(a.deadline).isNull();
    }

    @Test
    void theTimerIsCancelledWhenTheLastRunIsGone() {
        StopDeadlines deadlines = new StopDeadlines();
        Run a = run("a");
        Run b = run("b");
        deadlines.add(a, Duration.ofSeconds(5));
        deadlines.add(b, Duration.ofSeconds(5));
        AtomicInteger cancels = new AtomicInteger();
        Cancellable timer = cancels::incrementAndGet;
        deadlines.forEachTimer((timeout, d) -> d.timer = timer);

        a.deadline.runGone();
        assertThat(cancels).as("b is still waited for").hasValue(0);
        b.deadline.runGone();
        assertThat(cancels).hasValue(1);
    }
}
