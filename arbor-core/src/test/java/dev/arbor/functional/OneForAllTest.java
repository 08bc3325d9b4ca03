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
import dev.arbor.SupervisorEvent.ServiceStarted;
import dev.arbor.SupervisorEvent.ServiceStopTimeout;
import dev.arbor.SupervisorEvent.ServiceStopped;
import dev.arbor.SupervisorState;
import dev.arbor.support.Eventually;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

/**
 * API.md "Strategies", ONE_FOR_ALL: a failure stops every other child exactly as {@code stop()}
 * does (REVERSE one at a time, or PARALLEL), each up to its shutdown timeout; TEMPORARY ones are
 * removed; when the last has ended, all start again in add order. One failure counts once; a
 * backoff makes them all wait for its end. Children are {@link Sibling}s a, b, c, d (in add order).
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)   // a wedged supervisor fails, not hangs
class OneForAllTest extends SiblingStrategyFixture {
    OneForAllTest() {
        super(Strategy.ONE_FOR_ALL);
    }

    @Test
    void failureStopsEveryOtherChildInReverseAddOrderOneAtATime() {
        start(builder().stopOrder(StopOrder.REVERSE), "a", "b", "c", "d");
        sibling("a").hold();
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
        Eventually.until("a saw its stop", sibling("a")::stopSeen);
        assertThat(states()).containsEntry("a", ChildState.STOPPING).containsEntry("b", ChildState.WAITING);
        sibling("a").release();
        expectStopped("a");

        expectStarts("a", "b", "c", "d");
        assertThat(journal).containsExactly("stop d", "stop c", "stop a");
        assertThat(states()).containsExactly(entry("a", ChildState.RUNNING), entry("b", ChildState.RUNNING),
                entry("c", ChildState.RUNNING), entry("d", ChildState.RUNNING));
    }

    @Test
    void parallelStopOrderAsksEveryOtherChildAtOnceAndRestartsAfterTheLastEnds() {
        start(builder().stopOrder(StopOrder.PARALLEL), "a", "b", "c", "d");
        sibling("a").hold();
        sibling("c").hold();
        sibling("d").hold();
        sibling("b").fail();
        log.next(ServiceFailed.class);
        Eventually.until("a, c and d all saw their stop",
                () -> sibling("a").stopSeen() && sibling("c").stopSeen() && sibling("d").stopSeen());
        assertThat(states()).containsExactly(entry("a", ChildState.STOPPING), entry("b", ChildState.WAITING),
                entry("c", ChildState.STOPPING), entry("d", ChildState.STOPPING));

        sibling("a").release();
        sibling("d").release();
        assertThat(List.of(log.next(ServiceStopped.class).service(), log.next(ServiceStopped.class).service()))
                .containsExactlyInAnyOrder("a", "d");
        assertThat(states()).containsEntry("b", ChildState.WAITING).containsEntry("c", ChildState.STOPPING);

        sibling("c").release();
        expectStopped("c");
        expectStarts("a", "b", "c", "d");
    }

    @Test
    void temporarySiblingsAreStoppedAndRemovedNotRestarted() {
        start(builder(), "a", "b", ChildSpec.of("c", sibling("c")).withRestart(Restart.TEMPORARY), "d");
        sibling("b").fail();
        log.next(ServiceFailed.class);
        expectStopped("d", "c", "a");
        expectStarts("a", "b", "d");
        assertThat(states()).containsExactly(entry("a", ChildState.RUNNING), entry("b", ChildState.RUNNING),
                entry("d", ChildState.RUNNING));
    }

    @Test
    void oneFailureIsCountedOnceHoweverManyChildrenItRestarts() {
        start(builder().failureThreshold(1), "a", "b", "c", "d");
        sibling("b").fail();
        assertThat(log.next(ServiceFailed.class).failures()).isEqualTo(1.0);
        expectStopped("d", "c", "a");
        expectStarts("a", "b", "c", "d");
        assertThat(sup.state()).isEqualTo(SupervisorState.RUNNING);

        sibling("a").fail();                 // 2 > 1: had the first counted four times, 5
        assertThat(log.next(BackoffStarted.class)).isNotNull();
        assertThat(log.next(ServiceFailed.class).failures()).isEqualTo(2.0);
    }

    @Test
    void failureThatStartsABackoffMakesEveryStoppedChildWaitForItsEnd() {
        start(builder().failureThreshold(0), "a", "b", "c", "d");
        sibling("b").fail();
        log.next(BackoffStarted.class);
        ServiceFailed failed = log.next(ServiceFailed.class);
        assertThat(failed.restarting()).isFalse();
        expectStopped("d", "c", "a");
        Eventually.until("every child waits for the backoff", () -> states().values().stream()
                .allMatch(s -> s == ChildState.BACKOFF));
        assertThat(sup.state()).isEqualTo(SupervisorState.BACKOFF);

        clock.advance(Duration.ofSeconds(10).minusNanos(1));
        assertThat(states()).containsOnly(entry("a", ChildState.BACKOFF), entry("b", ChildState.BACKOFF),
                entry("c", ChildState.BACKOFF), entry("d", ChildState.BACKOFF));
        clock.advance(Duration.ofNanos(1));
        log.next(BackoffEnded.class);
        expectStarts("a", "b", "c", "d");
    }

    @Test
    void failureDuringARunningBackoffAlsoWaitsForItsEnd() {
        start(builder().failureThreshold(0), "a", "b");
        sibling("b").fail();
        log.next(BackoffStarted.class);
        log.next(ServiceFailed.class);
        expectStopped("a");
        Eventually.until("a and b wait", () -> states().values().stream().allMatch(s -> s == ChildState.BACKOFF));

        sup.add("e", sibling("e"));           // starts at once, backoff or not
        assertThat(log.next(ServiceStarted.class).service()).isEqualTo("e");
        sibling("e").fail();
        ServiceFailed eFailed = log.next(ServiceFailed.class);
        assertThat(eFailed.service()).isEqualTo("e");
        assertThat(eFailed.restarting()).isFalse();
        assertThat(states()).containsExactly(entry("a", ChildState.BACKOFF), entry("b", ChildState.BACKOFF),
                entry("e", ChildState.BACKOFF));

        clock.advance(Duration.ofSeconds(10));
        log.next(BackoffEnded.class);
        expectStarts("a", "b", "e");
    }

    @Test
    void hungSiblingDelaysTheRestartOnlyUntilItsShutdownTimeout() {
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
        expectStopped("c", "a");
        expectStarts("a", "b", "c", "d");
        assertThat(clock.elapsed()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void aSecondFailureWhileSiblingsStopJoinsTheRestartAndEveryChildStartsOnce() {
        start(builder().stopOrder(StopOrder.REVERSE), "a", "b", "c", "d");
        sibling("d").hold();
        sibling("b").fail();
        assertThat(log.next(ServiceFailed.class).failures()).isEqualTo(1.0);
        Eventually.until("d saw its stop", sibling("d")::stopSeen);
        sibling("a").fail();                 // a fails on its own before it was asked to stop
        ServiceFailed second = log.next(ServiceFailed.class);
        assertThat(second.service()).isEqualTo("a");
        assertThat(second.failures()).isEqualTo(2.0);
        assertThat(states()).containsExactly(entry("a", ChildState.WAITING), entry("b", ChildState.WAITING),
                entry("c", ChildState.RUNNING), entry("d", ChildState.STOPPING));
        sibling("d").release();
        expectStopped("d", "c");
        expectStarts("a", "b", "c", "d");
        assertThat(sup.children()).extracting(ChildInfo::restarts).containsExactly(1, 1, 1, 1);
    }

    @Test
    void backoffEndingBeforeTheSiblingsHaveStoppedStillRestartsEveryoneWhenTheLastEnds() {
        start(builder().failureThreshold(0).failureBackoff(Duration.ofSeconds(5)), "a", "b", "c",
                ChildSpec.of("d", sibling("d")).withShutdownTimeout(Duration.ofSeconds(10)));
        sibling("d").hold();
        sibling("b").fail();                                   // backoff until t=5 s; d hangs until t=10 s
        log.next(BackoffStarted.class);
        assertThat(log.next(ServiceFailed.class).restarting()).isFalse();
        Eventually.until("d saw its stop", sibling("d")::stopSeen);

        clock.advance(Duration.ofSeconds(5));
        log.next(BackoffEnded.class);
        assertThat(sup.state()).isEqualTo(SupervisorState.RUNNING);
        assertThat(states()).containsExactly(entry("a", ChildState.RUNNING), entry("b", ChildState.WAITING),
                entry("c", ChildState.RUNNING), entry("d", ChildState.STOPPING));

        clock.advance(Duration.ofSeconds(5));
        assertThat(log.next(SupervisorEvent.class)).isEqualTo(new ServiceStopTimeout("sup", "d"));
        expectStopped("c", "a");
        expectStarts("a", "b", "c", "d");
    }
}
