package dev.arbor.functional;

import dev.arbor.ChildInfo;
import dev.arbor.ChildSpec;
import dev.arbor.ChildState;
import dev.arbor.Jitter;
import dev.arbor.Restart;
import dev.arbor.Supervisor;
import dev.arbor.SupervisorEvent;
import dev.arbor.SupervisorEvent.BackoffEnded;
import dev.arbor.SupervisorEvent.BackoffStarted;
import dev.arbor.SupervisorEvent.ServiceFailed;
import dev.arbor.SupervisorEvent.ServiceStarted;
import dev.arbor.SupervisorState;
import dev.arbor.support.EventLog;
import dev.arbor.support.Stopper;
import dev.arbor.support.Eventually;
import dev.arbor.support.Puppet;
import dev.arbor.testing.ManualClock;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

/**
 * API.md "Failure accounting", backoff part: when the count exceeds the threshold the supervisor
 * enters BACKOFF for {@code jitter.apply(failureBackoff)}; {@code BackoffStarted} comes before that
 * failure's {@code ServiceFailed} (restarting false); only failed children wait; a child added
 * meanwhile starts at once; failures meanwhile do not extend it; at its end the waiting children
 * restart in add order. All time is a {@link ManualClock}: each backoff ends exactly when the test
 * moves the clock past it.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)   // a wedged supervisor fails, not hangs
class BackoffTest {
    private static final Duration BACKOFF = Duration.ofSeconds(10);

    private final ManualClock clock = new ManualClock();
    private final EventLog log = new EventLog();
    private Supervisor sup;

    /** Threshold 1: the second failure at one instant starts a backoff. */
    private Supervisor.Builder builder() {
        return Supervisor.builder("sup").clock(clock).onEvent(log).failureThreshold(1)
                .failureBackoff(BACKOFF).backoffJitter(Jitter.none());
    }

    @AfterEach
    void stop() throws Exception {
        Stopper.stop(sup);
    }

    private Map<String, ChildState> states() {
        return sup.children().stream().collect(Collectors.toMap(ChildInfo::name, ChildInfo::state));
    }

    private int restarts(String name) {
        return sup.children().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow().restarts();
    }

    /** Starts {@code sup} with one Puppet per name, in that order. */
    private List<Puppet> start(String... names) {
        List<Puppet> puppets = Stream.of(names).map(n -> new Puppet()).toList();
        for (int i = 0; i < names.length; i++) {
            sup.add(names[i], puppets.get(i));
        }
        sup.start();
        for (String name : names) {
            assertThat(log.next(ServiceStarted.class).service()).isEqualTo(name);
        }
        return puppets;
    }

    /** Two failures of {@code p} at the current instant: the second starts the backoff. */
    private BackoffStarted trip(Puppet p, String name) {
        p.fail();
        ServiceFailed first = log.next(ServiceFailed.class);
        assertThat(first.restarting()).isTrue();
        assertThat(log.next(ServiceStarted.class).service()).isEqualTo(name);
        p.fail();
        BackoffStarted started = log.next(BackoffStarted.class);
        ServiceFailed second = log.next(ServiceFailed.class);
        assertThat(second.service()).isEqualTo(name);
        assertThat(second.restarting()).isFalse();
        return started;
    }

    @Test
    void backoffStartedComesBeforeTheFailureThatCausedItWhichIsNotRestarting() {
        sup = builder().build();
        Puppet a = start("a").get(0);
        a.fail();
        log.next(ServiceFailed.class);
        log.next(ServiceStarted.class);
        a.fail();
        SupervisorEvent firstAfter = log.next(SupervisorEvent.class);
        assertThat(firstAfter).isEqualTo(new BackoffStarted("sup", BACKOFF));
        ServiceFailed failed = log.next(ServiceFailed.class);
        assertThat(failed.failures()).isEqualTo(2.0);
        assertThat(failed.restarting()).isFalse();
    }

    @Test
    void onlyTheFailedChildWaitsWhileTheOthersKeepRunning() {
        sup = builder().build();
        List<Puppet> p = start("a", "b");
        trip(p.get(0), "a");

        assertThat(sup.state()).isEqualTo(SupervisorState.BACKOFF);
        assertThat(states()).containsExactly(entry("a", ChildState.BACKOFF), entry("b", ChildState.RUNNING));
        assertThat(p.get(0).runs()).isEqualTo(2);                 // not restarted a third time
        assertThat(restarts("b")).isZero();                        // b's first run goes on
        assertThat(clock.pendingTasks()).isEqualTo(1);            // the backoff's end

        // b's first run is alive and obeys; its failure during the backoff makes it wait too
        p.get(1).fail();
        ServiceFailed bFailed = log.next(ServiceFailed.class);
        assertThat(bFailed.service()).isEqualTo("b");
        assertThat(states()).containsExactly(entry("a", ChildState.BACKOFF), entry("b", ChildState.BACKOFF));
    }

    @Test
    void childAddedDuringBackoffStartsAtOnce() {
        sup = builder().build();
        trip(start("a").get(0), "a");
        Puppet c = new Puppet();
        sup.add("c", c);
        ServiceStarted started = log.next(ServiceStarted.class);
        assertThat(started.service()).isEqualTo("c");
        assertThat(sup.state()).isEqualTo(SupervisorState.BACKOFF);
        assertThat(states()).containsEntry("c", ChildState.RUNNING).containsEntry("a", ChildState.BACKOFF);
        Eventually.until("c's run began", () -> c.runs() == 1);
    }

    @Test
    void withoutJitterTheBackoffEndsExactlyAfterTheConfiguredDelay() {
        sup = builder().build();
        Puppet a = start("a").get(0);
        assertThat(trip(a, "a").delay()).isEqualTo(BACKOFF);

        clock.advance(BACKOFF.minusNanos(1));
        assertThat(sup.state()).isEqualTo(SupervisorState.BACKOFF);
        assertThat(states()).containsEntry("a", ChildState.BACKOFF);
        assertThat(a.runs()).isEqualTo(2);

        clock.advance(Duration.ofNanos(1));                       // the timer runs inside advance
        assertThat(sup.state()).isEqualTo(SupervisorState.RUNNING);
        log.next(BackoffEnded.class);
        ServiceStarted restarted = log.next(ServiceStarted.class);
        assertThat(restarted.service()).isEqualTo("a");
        assertThat(restarted.restarts()).isEqualTo(2);
        assertThat(states()).containsEntry("a", ChildState.RUNNING);
    }

    @Test
    void defaultJitterDelaysBetweenTheBaseAndOneAndAHalfTimesIt() {
        Set<Duration> delays = new HashSet<>();
        for (int i = 0; i < 5; i++) {
            EventLog events = new EventLog();
            ManualClock time = new ManualClock();
            Supervisor s = Supervisor.builder("jittered-" + i).clock(time).onEvent(events)
                    .failureThreshold(0).failureBackoff(BACKOFF).build();     // default jitter
            Puppet p = new Puppet();
            s.add("p", p);
            s.start();
            events.next(ServiceStarted.class);
            p.fail();
            Duration delay = events.next(BackoffStarted.class).delay();
            assertThat(delay).isGreaterThanOrEqualTo(BACKOFF).isLessThan(BACKOFF.multipliedBy(3).dividedBy(2));
            delays.add(delay);

            // the jittered delay, not the base, is what the supervisor waits for
            time.advance(delay.minusNanos(1));
            assertThat(s.state()).isEqualTo(SupervisorState.BACKOFF);
            time.advance(Duration.ofNanos(1));
            assertThat(s.state()).isEqualTo(SupervisorState.RUNNING);
            events.await(BackoffEnded.class);
            s.close();
        }
        // uniform draws: five identical delays would mean no jitter at all
        assertThat(delays).hasSizeGreaterThan(1);
    }

    @Test
    void failuresDuringBackoffDoNotExtendIt() {
        sup = builder().build();
        List<Puppet> p = start("a", "b", "c");
        trip(p.get(0), "a");                                      // ends at t=10 s

        clock.advance(Duration.ofSeconds(4));
        p.get(1).fail();
        ServiceFailed b = log.next(ServiceFailed.class);           // no second BackoffStarted before it
        assertThat(b.service()).isEqualTo("b");
        assertThat(b.restarting()).isFalse();

        clock.advance(Duration.ofSeconds(4));                      // t=8 s
        p.get(2).fail();
        ServiceFailed c = log.next(ServiceFailed.class);
        assertThat(c.service()).isEqualTo("c");
        assertThat(c.restarting()).isFalse();
        assertThat(clock.pendingTasks()).isEqualTo(1);            // still the one timer

        clock.advance(Duration.ofSeconds(2).minusNanos(1));
        assertThat(sup.state()).isEqualTo(SupervisorState.BACKOFF);
        clock.advance(Duration.ofNanos(1));                        // t=10 s: the first backoff's end
        assertThat(sup.state()).isEqualTo(SupervisorState.RUNNING);
        log.next(BackoffEnded.class);
        assertThat(clock.elapsed()).isEqualTo(BACKOFF);
    }

    @Test
    void atTheEndTheWaitingChildrenRestartInAddOrderNotFailureOrder() {
        sup = builder().build();
        List<Puppet> p = start("a", "b", "c", "d");
        trip(p.get(2), "c");                                       // c trips first
        p.get(0).fail();                                           // then a
        assertThat(log.next(ServiceFailed.class).service()).isEqualTo("a");
        p.get(1).fail();                                           // then b; d keeps running
        assertThat(log.next(ServiceFailed.class).service()).isEqualTo("b");
        assertThat(states()).containsExactly(entry("a", ChildState.BACKOFF), entry("b", ChildState.BACKOFF),
                entry("c", ChildState.BACKOFF), entry("d", ChildState.RUNNING));

        clock.advance(BACKOFF);
        log.next(BackoffEnded.class);
        assertThat(List.of(log.next(ServiceStarted.class).service(), log.next(ServiceStarted.class).service(),
                log.next(ServiceStarted.class).service())).containsExactly("a", "b", "c");
        assertThat(states()).containsExactly(entry("a", ChildState.RUNNING), entry("b", ChildState.RUNNING),
                entry("c", ChildState.RUNNING), entry("d", ChildState.RUNNING));
        assertThat(restarts("d")).isZero();                        // d was never stopped or restarted
        assertThat(sup.state()).isEqualTo(SupervisorState.RUNNING);
    }

    @Test
    void aTemporaryChildFailingDuringBackoffIsRemovedNotKeptWaiting() {
        sup = builder().build();
        Puppet a = start("a").get(0);
        Puppet temp = new Puppet();
        sup.add(ChildSpec.of("temp", temp).withRestart(Restart.TEMPORARY));
        log.next(ServiceStarted.class);
        trip(a, "a");
        temp.fail();
        ServiceFailed f = log.next(ServiceFailed.class);
        assertThat(f.service()).isEqualTo("temp");
        assertThat(f.restarting()).isFalse();
        assertThat(states()).containsOnlyKeys("a");
        clock.advance(BACKOFF);
        log.next(BackoffEnded.class);
        assertThat(log.next(ServiceStarted.class).service()).isEqualTo("a");
        assertThat(temp.runs()).isEqualTo(1);
    }

    @Test
    void zeroBackoffEndsAtTheNextAdvanceOfTheClock() {
        sup = builder().failureBackoff(Duration.ZERO).build();
        Puppet a = start("a").get(0);
        assertThat(trip(a, "a").delay()).isZero();
        assertThat(clock.pendingTasks()).isEqualTo(1);
        clock.advance(Duration.ZERO);
        assertThat(sup.state()).isEqualTo(SupervisorState.RUNNING);
        log.next(BackoffEnded.class);
        assertThat(log.next(ServiceStarted.class).service()).isEqualTo("a");
        assertThat(clock.elapsed()).isZero();
    }

    static Stream<Arguments> brokenJitters() {
        return Stream.of(
                Arguments.of("throws", (Jitter) base -> {
                    throw new IllegalStateException("broken jitter");
                }),
                Arguments.of("returns null", (Jitter) base -> null),
                Arguments.of("returns a negative delay", (Jitter) base -> Duration.ofSeconds(-1)));
    }

    @ParameterizedTest(name = "jitter that {0}")
    @MethodSource("brokenJitters")
    void brokenJitterFallsBackToTheBaseDelay(String what, Jitter jitter) {
        sup = builder().backoffJitter(jitter).build();
        Puppet a = start("a").get(0);
        assertThat(trip(a, "a").delay()).isEqualTo(BACKOFF);
        clock.advance(BACKOFF.minusNanos(1));
        assertThat(sup.state()).isEqualTo(SupervisorState.BACKOFF);
        clock.advance(Duration.ofNanos(1));
        log.next(BackoffEnded.class);
        assertThat(log.next(ServiceStarted.class).service()).isEqualTo("a");

        // supervision goes on: the next trip backs off again
        a.fail();
        log.next(ServiceFailed.class);
        log.next(ServiceStarted.class);
        a.fail();
        assertThat(log.next(BackoffStarted.class).delay()).isEqualTo(BACKOFF);
    }

    @Test
    void stopDuringABackoffCancelsItsEndAndRestartsNothing() throws Exception {
        sup = builder().build();
        Puppet a = start("a").get(0);
        trip(a, "a");
        assertThat(clock.pendingTasks()).isEqualTo(1);
        assertThat(sup.stop().clean()).isTrue();
        assertThat(clock.pendingTasks()).isZero();
        clock.advance(BACKOFF.multipliedBy(2));
        log.await(dev.arbor.SupervisorEvent.SupervisorTerminated.class);
        assertThat(log.all()).noneMatch(e -> e instanceof BackoffEnded)
                .filteredOn(e -> e instanceof ServiceStarted).hasSize(2);
        assertThat(a.runs()).isEqualTo(2);
    }
}
