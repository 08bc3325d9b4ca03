package dev.arbor.functional;

import dev.arbor.ChildInfo;
import dev.arbor.ChildSpec;
import dev.arbor.ChildState;
import dev.arbor.Restart;
import dev.arbor.StopOrder;
import dev.arbor.Strategy;
import dev.arbor.SupervisorEvent;
import dev.arbor.SupervisorEvent.BackoffEnded;
import dev.arbor.SupervisorEvent.BackoffStarted;
import dev.arbor.SupervisorEvent.ServiceFailed;
import dev.arbor.SupervisorEvent.ServiceStopTimeout;
import dev.arbor.SupervisorState;
import dev.arbor.support.Eventually;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

/**
 * API.md "Strategies", REST_FOR_ONE: a failure stops every child added after the failed one
 * exactly as {@code stop()} does (REVERSE one at a time, or PARALLEL), each up to its shutdown
 * timeout, and leaves the earlier ones running; TEMPORARY ones among them are removed; when the
 * last has ended, the failed child and the stopped ones start again in add order. One failure
 * counts once; a backoff makes them all wait for its end. Children are {@link Sibling}s a, b, c, d
 * (in add order).
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)   // a wedged supervisor fails, not hangs
class RestForOneTest extends SiblingStrategyFixture {
    RestForOneTest() {
        super(Strategy.REST_FOR_ONE);
    }

    private int restartsOf(String name) {
        return sup.children().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow().restarts();
    }

    @Test
    void failureStopsOnlyLaterChildrenInReverseOrderOneAtATimeAndLeavesEarlierOnesRunning() {
        start(builder().stopOrder(StopOrder.REVERSE), "a", "b", "c", "d");
        sibling("c").hold();
        sibling("d").hold();
        sibling("b").fail();
        ServiceFailed failed = log.next(ServiceFailed.class);
        assertThat(failed.service()).isEqualTo("b");
        assertThat(failed.restarting()).isTrue();

        Eventually.until("d saw its stop", sibling("d")::stopSeen);
        assertThat(states()).containsExactly(entry("a", ChildState.RUNNING), entry("b", ChildState.WAITING),
                entry("c", ChildState.RUNNING), entry("d", ChildState.STOPPING));
        sibling("d").release();
        expectStopped("d");
        Eventually.until("c saw its stop", sibling("c")::stopSeen);
        assertThat(states()).containsExactly(entry("a", ChildState.RUNNING), entry("b", ChildState.WAITING),
                entry("c", ChildState.STOPPING), entry("d", ChildState.WAITING));
        sibling("c").release();
        expectStopped("c");

        expectStarts("b", "c", "d");
        assertThat(journal).containsExactly("stop d", "stop c");
        assertThat(sibling("a").stopSeen()).isFalse();
        assertThat(restartsOf("a")).isZero();
        assertThat(states()).containsExactly(entry("a", ChildState.RUNNING), entry("b", ChildState.RUNNING),
                entry("c", ChildState.RUNNING), entry("d", ChildState.RUNNING));
    }

    @Test
    void parallelStopOrderAsksEveryLaterChildAtOnce() {
        start(builder().stopOrder(StopOrder.PARALLEL), "a", "b", "c", "d");
        sibling("c").hold();
        sibling("d").hold();
        sibling("b").fail();
        log.next(ServiceFailed.class);
        Eventually.until("c and d both saw their stop", () -> sibling("c").stopSeen() && sibling("d").stopSeen());
        assertThat(states()).containsExactly(entry("a", ChildState.RUNNING), entry("b", ChildState.WAITING),
                entry("c", ChildState.STOPPING), entry("d", ChildState.STOPPING));
        sibling("c").release();
        expectStopped("c");
        assertThat(states()).containsEntry("b", ChildState.WAITING).containsEntry("d", ChildState.STOPPING);
        sibling("d").release();
        expectStopped("d");
        expectStarts("b", "c", "d");
        assertThat(restartsOf("a")).isZero();
    }

    @Test
    void failureOfTheLastChildRestartsOnlyItself() {
        start(builder(), "a", "b", "c", "d");
        sibling("d").fail();
        assertThat(log.next(ServiceFailed.class).service()).isEqualTo("d");
        expectStarts("d");
        assertThat(journal).isEmpty();
        assertThat(sup.children()).extracting(ChildInfo::restarts).containsExactly(0, 0, 0, 1);
    }

    @Test
    void failureOfTheFirstChildRestartsThemAll() {
        start(builder(), "a", "b", "c", "d");
        sibling("a").fail();
        log.next(ServiceFailed.class);
        expectStopped("d", "c", "b");
        expectStarts("a", "b", "c", "d");
    }

    @Test
    void temporaryLaterSiblingsAreStoppedAndRemovedNotRestarted() {
        start(builder(), "a", "b", ChildSpec.of("c", sibling("c")).withRestart(Restart.TEMPORARY), "d");
        sibling("b").fail();
        log.next(ServiceFailed.class);
        expectStopped("d", "c");
        expectStarts("b", "d");
        assertThat(states()).containsExactly(entry("a", ChildState.RUNNING), entry("b", ChildState.RUNNING),
                entry("d", ChildState.RUNNING));
    }

    @Test
    void oneFailureIsCountedOnceHoweverManyChildrenItRestarts() {
        start(builder().failureThreshold(1), "a", "b", "c", "d");
        sibling("a").fail();
        assertThat(log.next(ServiceFailed.class).failures()).isEqualTo(1.0);
        expectStopped("d", "c", "b");
        expectStarts("a", "b", "c", "d");
        assertThat(sup.state()).isEqualTo(SupervisorState.RUNNING);

        sibling("d").fail();
        log.next(BackoffStarted.class);
        assertThat(log.next(ServiceFailed.class).failures()).isEqualTo(2.0);
    }

    @Test
    void failureThatStartsABackoffMakesTheFailedAndStoppedChildrenWaitForItsEnd() {
        start(builder().failureThreshold(0), "a", "b", "c", "d");
        sibling("b").fail();
        log.next(BackoffStarted.class);
        assertThat(log.next(ServiceFailed.class).restarting()).isFalse();
        expectStopped("d", "c");
        Eventually.until("b, c and d wait for the backoff", () -> states().equals(Map.of(
                "a", ChildState.RUNNING, "b", ChildState.BACKOFF, "c", ChildState.BACKOFF, "d", ChildState.BACKOFF)));

        clock.advance(Duration.ofSeconds(10).minusNanos(1));
        assertThat(states()).containsEntry("b", ChildState.BACKOFF).containsEntry("d", ChildState.BACKOFF);
        clock.advance(Duration.ofNanos(1));
        log.next(BackoffEnded.class);
        expectStarts("b", "c", "d");
        assertThat(restartsOf("a")).isZero();
    }

    @Test
    void hungLaterSiblingDelaysTheRestartOnlyUntilItsShutdownTimeout() {
        start(builder(), "a", "b", "c",
                ChildSpec.of("d", sibling("d")).withShutdownTimeout(Duration.ofSeconds(5)));
        sibling("d").hold();
        sibling("b").fail();
        log.next(ServiceFailed.class);
        Eventually.until("d saw its stop", sibling("d")::stopSeen);
        Eventually.until("d's shutdown timeout is on the clock", () -> clock.pendingTasks() == 1);

        clock.advance(Duration.ofSeconds(5).minusNanos(1));
        assertThat(states()).containsExactly(entry("a", ChildState.RUNNING), entry("b", ChildState.WAITING),
                entry("c", ChildState.RUNNING), entry("d", ChildState.STOPPING));
        clock.advance(Duration.ofNanos(1));
        assertThat(log.next(SupervisorEvent.class)).isEqualTo(new ServiceStopTimeout("sup", "d"));
        expectStopped("c");
        expectStarts("b", "c", "d");
    }
}
