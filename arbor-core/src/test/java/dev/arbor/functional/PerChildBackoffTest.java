package dev.arbor.functional;

import dev.arbor.ChildInfo;
import dev.arbor.ChildSpec;
import dev.arbor.ChildState;
import dev.arbor.Jitter;
import dev.arbor.Restart;
import dev.arbor.Service;
import dev.arbor.ServiceRef;
import dev.arbor.Supervisor;
import dev.arbor.SupervisorEvent.BackoffEnded;
import dev.arbor.SupervisorEvent.BackoffStarted;
import dev.arbor.SupervisorEvent.ServiceFailed;
import dev.arbor.SupervisorEvent.ServiceStarted;
import dev.arbor.SupervisorEvent.SupervisorTerminated;
import dev.arbor.RestartIntensityException;
import dev.arbor.SupervisorState;
import dev.arbor.support.EventLog;
import dev.arbor.support.Puppet;
import dev.arbor.support.Stopper;
import dev.arbor.testing.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code ChildSpec.withBackoff(min, max, jitter[, resetAfter])} (Pekko {@code restartWithBackoff}):
 * after each counted failure the child waits {@code min(max, min * 2^n)} as BACKOFF while the
 * supervisor stays RUNNING, its ServiceFailed says restarting false, a stable run resets the
 * delay to min, the failures still count (decayed count, maxRestarts), with the supervisor's own
 * backoff the child waits for both, and restartChild / stopChild / remove end the wait. Time is
 * a {@link ManualClock}; jitter is 0, so every delay is exact.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PerChildBackoffTest {
    private static final Duration SECOND = Duration.ofSeconds(1);

    private final ManualClock clock = new ManualClock();
    private final EventLog log = new EventLog();
    private Supervisor sup;

    @AfterEach
    void stop() throws Exception {
        Stopper.stop(sup);
    }

    private Supervisor.Builder builder() {
        return Supervisor.builder("sup").clock(clock).onEvent(log).failureThreshold(Double.POSITIVE_INFINITY);
    }

    private ChildInfo info(String name) {
        return sup.children().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }

    /** Fails the current run of {@code p}; it must then wait as BACKOFF. */
    private void failIntoBackoff(Puppet p) {
        p.fail();
        ServiceFailed failed = log.next(ServiceFailed.class);
        assertThat(failed.restarting()).isFalse();
        assertThat(info(failed.service()).state()).isEqualTo(ChildState.BACKOFF);
        assertThat(sup.state()).isEqualTo(SupervisorState.RUNNING);
    }

    /** Advances to just before {@code delay}, checks the child still waits, then to it. */
    private void expectRestartAfter(String name, Duration delay) {
        clock.advance(delay.minusMillis(1));
        assertThat(info(name).state()).as("still waiting before %s", delay).isEqualTo(ChildState.BACKOFF);
        clock.advance(Duration.ofMillis(1));
        assertThat(log.next(ServiceStarted.class).service()).isEqualTo(name);
    }

    @Test
    void delaysDoubleUpToMaxWhileSiblingsRunOn() {
        sup = builder().build();
        Puppet a = new Puppet();
        sup.add(ChildSpec.of("a", a).withBackoff(SECOND, Duration.ofSeconds(4), 0, Duration.ofMinutes(1)));
        sup.add("b", new Puppet());
        sup.start();
        log.next(ServiceStarted.class);
        log.next(ServiceStarted.class);
        for (long seconds : new long[] {1, 2, 4, 4}) {
            failIntoBackoff(a);
            assertThat(info("b").state()).isEqualTo(ChildState.RUNNING);
            expectRestartAfter("a", Duration.ofSeconds(seconds));
        }
    }

    @Test
    void aStableRunResetsTheDelayToMin() {
        sup = builder().build();
        Puppet a = new Puppet();
        sup.add(ChildSpec.of("a", a).withBackoff(SECOND, Duration.ofSeconds(60), 0, Duration.ofSeconds(10)));
        sup.start();
        log.next(ServiceStarted.class);
        failIntoBackoff(a);
        expectRestartAfter("a", SECOND);
        failIntoBackoff(a);
        expectRestartAfter("a", Duration.ofSeconds(2));
        clock.advance(Duration.ofSeconds(10));          // this run lasts resetAfter: stable
        failIntoBackoff(a);
        expectRestartAfter("a", SECOND);
    }

    @Test
    void theDefaultResetIsMin() {
        sup = builder().build();
        Puppet a = new Puppet();
        sup.add(ChildSpec.of("a", a).withBackoff(Duration.ofSeconds(2), Duration.ofSeconds(60), 0));
        sup.start();
        log.next(ServiceStarted.class);
        failIntoBackoff(a);
        expectRestartAfter("a", Duration.ofSeconds(2));
        clock.advance(Duration.ofSeconds(2));
        failIntoBackoff(a);
        expectRestartAfter("a", Duration.ofSeconds(2));
    }

    @Test
    void failuresStillCountAndMaxRestartsStillGivesUp() {
        sup = builder().maxRestarts(1, Duration.ofMinutes(1)).build();
        Puppet a = new Puppet();
        sup.add(ChildSpec.of("a", a).withBackoff(SECOND, SECOND, 0));
        sup.start();
        log.next(ServiceStarted.class);
        failIntoBackoff(a);
        expectRestartAfter("a", SECOND);
        a.fail();
        assertThat(log.next(ServiceFailed.class).failures()).isEqualTo(2.0, org.assertj.core.data.Offset.offset(0.1));
        assertThat(log.await(SupervisorTerminated.class).cause()).isInstanceOf(RestartIntensityException.class);
    }

    @Test
    void withTheSupervisorsBackoffTooTheChildWaitsForBoth() {
        sup = builder().failureThreshold(0).failureBackoff(Duration.ofSeconds(3)).backoffJitter(Jitter.none()).build();
        Puppet a = new Puppet();
        sup.add(ChildSpec.of("a", a).withBackoff(SECOND, Duration.ofSeconds(60), 0, Duration.ofMinutes(1)));
        sup.start();
        log.next(ServiceStarted.class);
        a.fail();                                       // supervisor 3 s, own 1 s: starts at 3 s
        log.next(BackoffStarted.class);
        assertThat(log.next(ServiceFailed.class).restarting()).isFalse();
        clock.advance(SECOND);
        assertThat(info("a").state()).isEqualTo(ChildState.BACKOFF);
        clock.advance(Duration.ofSeconds(2));
        log.next(BackoffEnded.class);
        assertThat(log.next(ServiceStarted.class).service()).isEqualTo("a");
        a.fail();                                       // supervisor 3 s again, own 2 s
        log.next(BackoffStarted.class);
        log.next(ServiceFailed.class);
        clock.advance(Duration.ofSeconds(2));
        clock.advance(SECOND);
        log.next(BackoffEnded.class);
        assertThat(log.next(ServiceStarted.class).service()).isEqualTo("a");
    }

    @Test
    void theOwnWaitLongerThanTheSupervisorsDecides() {
        sup = builder().failureThreshold(0).failureBackoff(SECOND).backoffJitter(Jitter.none()).build();
        Puppet a = new Puppet();
        sup.add(ChildSpec.of("a", a).withBackoff(Duration.ofSeconds(5), Duration.ofSeconds(60), 0));
        sup.start();
        log.next(ServiceStarted.class);
        a.fail();
        log.next(BackoffStarted.class);
        log.next(ServiceFailed.class);
        clock.advance(SECOND);
        log.next(BackoffEnded.class);
        assertThat(sup.state()).isEqualTo(SupervisorState.RUNNING);
        assertThat(info("a").state()).as("its own wait is not over").isEqualTo(ChildState.BACKOFF);
        expectRestartAfter("a", Duration.ofSeconds(4));
    }

    @Test
    void restartChildCutsTheWaitShortAndStopChildAndRemoveCancelIt() {
        sup = builder().build();
        Puppet a = new Puppet();
        Puppet b = new Puppet();
        ServiceRef ra = sup.add(ChildSpec.of("a", a).withBackoff(Duration.ofSeconds(10), Duration.ofSeconds(60), 0));
        ServiceRef rb = sup.add(ChildSpec.of("b", b).withBackoff(Duration.ofSeconds(10), Duration.ofSeconds(60), 0));
        sup.start();
        log.next(ServiceStarted.class);
        log.next(ServiceStarted.class);
        failIntoBackoff(a);
        sup.restartChild(ra);
        assertThat(log.next(ServiceStarted.class).service()).isEqualTo("a");
        failIntoBackoff(b);
        sup.stopChild(rb);
        assertThat(info("b").state()).isEqualTo(ChildState.WAITING);
        clock.advance(Duration.ofSeconds(30));
        assertThat(info("b").state()).as("its wait's end does not start it").isEqualTo(ChildState.WAITING);
        sup.startChild(rb);
        assertThat(log.next(ServiceStarted.class).service()).isEqualTo("b");
        failIntoBackoff(b);
        sup.remove(rb);
        assertThat(sup.children()).extracting(ChildInfo::name).containsExactly("a");
        clock.advance(Duration.ofMinutes(5));
        sup.add("c", new Puppet());                      // a later event proves b never started again
        assertThat(log.next(ServiceStarted.class).service()).isEqualTo("c");
    }

    @Test
    void theSpecKeepsItsV1ShapeAndRejectsBadBackoffsNamingTheValue() {
        Service s = ctx -> { };
        assertThat(new ChildSpec("w", s, Restart.PERMANENT, null)).isEqualTo(ChildSpec.of("w", s));
        assertThat(ChildSpec.of("w", s).options()).isEqualTo(ChildSpec.Options.NONE);
        ChildSpec backedOff = ChildSpec.of("w", s).withBackoff(SECOND, Duration.ofSeconds(9), 0.2);
        assertThat(backedOff.options().backoff()).isEqualTo(new ChildSpec.Backoff(SECOND, Duration.ofSeconds(9), 0.2, SECOND));
        assertThat(backedOff.withRestart(Restart.TRANSIENT).withShutdownTimeout(SECOND).options())
                .as("with... keeps the options").isEqualTo(backedOff.options());
        assertThat(backedOff.withBackoff(null).options().backoff()).isNull();

        assertThatThrownBy(() -> ChildSpec.of("w", s).withBackoff(Duration.ZERO, SECOND, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("min").hasMessageContaining("PT0S");
        assertThatThrownBy(() -> ChildSpec.of("w", s).withBackoff(Duration.ofSeconds(2), SECOND, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("max").hasMessageContaining("PT1S");
        assertThatThrownBy(() -> ChildSpec.of("w", s).withBackoff(SECOND, SECOND, 1.5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("jitter").hasMessageContaining("1.5");
        assertThatThrownBy(() -> ChildSpec.of("w", s).withBackoff(SECOND, SECOND, Double.NaN))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NaN");
        assertThatThrownBy(() -> ChildSpec.of("w", s).withBackoff(SECOND, SECOND, 0, Duration.ofSeconds(-3)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("resetAfter").hasMessageContaining("PT-3S");
        assertThatNullPointerException().isThrownBy(() -> ChildSpec.of("w", s).withBackoff(null, SECOND, 0))
                .withMessageContaining("min");
        assertThatNullPointerException().isThrownBy(() -> new ChildSpec("w", s, Restart.PERMANENT, null, null))
                .withMessageContaining("options");
    }
}
