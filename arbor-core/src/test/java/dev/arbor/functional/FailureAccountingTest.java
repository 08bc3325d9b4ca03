package dev.arbor.functional;

import dev.arbor.ChildSpec;
import dev.arbor.Jitter;
import dev.arbor.Restart;
import dev.arbor.Supervisor;
import dev.arbor.SupervisorEvent.BackoffEnded;
import dev.arbor.SupervisorEvent.BackoffStarted;
import dev.arbor.SupervisorEvent.ServiceFailed;
import dev.arbor.SupervisorEvent.ServiceStarted;
import dev.arbor.SupervisorEvent.SupervisorTerminated;
import dev.arbor.SupervisorState;
import dev.arbor.TerminateTreeException;
import dev.arbor.support.EventLog;
import dev.arbor.support.Stopper;
import dev.arbor.support.Puppet;
import dev.arbor.testing.ManualClock;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * API.md "Failure accounting": on each counted failure at {@code t},
 * {@code failures = failures * 0.5^((t - tPrevious) / failureDecay) + 1}; a backoff starts only
 * when the count is strictly above the threshold; a zero decay keeps no memory; uncounted failures
 * (TEMPORARY children, TerminateTreeException) report the decayed count without adding to it; the
 * count is reset to 0 when a backoff ends. Every failure happens at an instant of a
 * {@link ManualClock} the test chose, and the count is read from the {@code ServiceFailed} event.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)   // a wedged supervisor fails, not hangs
class FailureAccountingTest {
    private static final double EPS = 1e-9;

    private final ManualClock clock = new ManualClock();
    private final EventLog log = new EventLog();
    private Supervisor sup;

    private Supervisor.Builder builder() {
        return Supervisor.builder("sup").clock(clock).onEvent(log).backoffJitter(Jitter.none())
                .failureBackoff(Duration.ofSeconds(10));
    }

    @AfterEach
    void stop() throws Exception {
        Stopper.stop(sup);
    }

    /** Makes {@code p} fail now and returns the ServiceFailed; consumes the restart's ServiceStarted. */
    private ServiceFailed failNow(Puppet p) {
        p.fail();
        ServiceFailed failed = log.next(ServiceFailed.class);
        if (failed.restarting()) {
            log.next(ServiceStarted.class);
        }
        return failed;
    }

    private Puppet startOne(Supervisor.Builder b) {
        sup = b.build();
        Puppet p = new Puppet();
        sup.add("p", p);
        sup.start();
        log.next(ServiceStarted.class);
        return p;
    }

    @Test
    void countDecaysByHalfEveryHalfLifeAtTheChosenInstants() {
        Puppet p = startOne(builder().failureDecay(Duration.ofSeconds(30)).failureThreshold(100));

        ServiceFailed atZero = failNow(p);
        assertThat(atZero.failures()).isEqualTo(1.0);
        assertThat(atZero.threshold()).isEqualTo(100.0);

        clock.advance(Duration.ofSeconds(30));
        assertThat(failNow(p).failures()).isCloseTo(1.0 * 0.5 + 1, within(EPS));            // 1.5 at t=30 s

        clock.advance(Duration.ofSeconds(60));
        assertThat(failNow(p).failures()).isCloseTo(1.5 * 0.25 + 1, within(EPS));           // 1.375 at t=90 s

        clock.advance(Duration.ofSeconds(10));
        assertThat(failNow(p).failures())
                .isCloseTo(1.375 * Math.pow(0.5, 10.0 / 30.0) + 1, within(EPS));          // t=100 s
    }

    @Test
    void failuresAtTheSameInstantAddOneEach() {
        Puppet p = startOne(builder().failureThreshold(100));
        for (int i = 1; i <= 4; i++) {
            assertThat(failNow(p).failures()).isEqualTo(i);
        }
    }

    @Test
    void countEqualToTheThresholdDoesNotBackOff() {
        Puppet p = startOne(builder().failureDecay(Duration.ofSeconds(30)).failureThreshold(1.5));
        failNow(p);                                                   // 1 at t=0
        clock.advance(Duration.ofSeconds(30));
        ServiceFailed equal = failNow(p);                             // exactly 1.5 at t=30 s
        assertThat(equal.failures()).isEqualTo(1.5);
        assertThat(equal.restarting()).isTrue();
        assertThat(sup.state()).isEqualTo(SupervisorState.RUNNING);

        p.fail();                                                     // 2.5 > 1.5
        BackoffStarted backoff = log.next(BackoffStarted.class);
        assertThat(backoff.delay()).isEqualTo(Duration.ofSeconds(10));
        ServiceFailed above = log.next(ServiceFailed.class);
        assertThat(above.failures()).isEqualTo(2.5);
        assertThat(above.restarting()).isFalse();
        assertThat(sup.state()).isEqualTo(SupervisorState.BACKOFF);
    }

    @Test
    void integerThresholdBacksOffOnlyOnTheFailureAfterReachingIt() {
        Puppet p = startOne(builder().failureThreshold(3));
        for (int i = 1; i <= 3; i++) {
            ServiceFailed f = failNow(p);
            assertThat(f.failures()).isEqualTo(i);
            assertThat(f.restarting()).isTrue();
        }
        p.fail();
        log.next(BackoffStarted.class);
        assertThat(log.next(ServiceFailed.class).failures()).isEqualTo(4.0);
    }

    @Test
    void zeroDecaySetsTheCountToOneOnEveryFailure() {
        Puppet p = startOne(builder().failureDecay(Duration.ZERO).failureThreshold(1.0));
        for (int i = 0; i < 5; i++) {
            ServiceFailed f = failNow(p);                            // same instant: still 1 each time
            assertThat(f.failures()).isEqualTo(1.0);
            assertThat(f.restarting()).isTrue();
        }
        clock.advance(Duration.ofNanos(1));
        assertThat(failNow(p).failures()).isEqualTo(1.0);
        assertThat(sup.state()).isEqualTo(SupervisorState.RUNNING);
    }

    @Test
    void zeroDecayStillBacksOffWhenOneFailureExceedsTheThreshold() {
        Puppet p = startOne(builder().failureDecay(Duration.ZERO).failureThreshold(0.5));
        p.fail();
        log.next(BackoffStarted.class);
        ServiceFailed f = log.next(ServiceFailed.class);
        assertThat(f.failures()).isEqualTo(1.0);
        assertThat(f.restarting()).isFalse();
    }

    @Test
    void temporaryFailureCarriesTheDecayedCountAndDoesNotAddToIt() {
        sup = builder().failureDecay(Duration.ofSeconds(30)).failureThreshold(100).build();
        Puppet p = new Puppet();
        Puppet temp = new Puppet();
        sup.add("p", p);
        sup.add(ChildSpec.of("temp", temp).withRestart(Restart.TEMPORARY));
        sup.start();
        log.next(ServiceStarted.class);
        log.next(ServiceStarted.class);

        assertThat(failNow(p).failures()).isEqualTo(1.0);           // t=0
        clock.advance(Duration.ofSeconds(30));
        temp.fail();
        ServiceFailed uncounted = log.next(ServiceFailed.class);
        assertThat(uncounted.service()).isEqualTo("temp");
        assertThat(uncounted.failures()).isCloseTo(0.5, within(EPS)); // decayed, not incremented
        assertThat(uncounted.restarting()).isFalse();

        // had it counted, this would be 2.5
        assertThat(failNow(p).failures()).isCloseTo(1.5, within(EPS));
    }

    @Test
    void temporaryFailureBeforeAnyCountedFailureCarriesZero() {
        sup = builder().build();
        Puppet temp = new Puppet();
        sup.add(ChildSpec.of("temp", temp).withRestart(Restart.TEMPORARY));
        sup.start();
        log.next(ServiceStarted.class);
        temp.fail();
        assertThat(log.next(ServiceFailed.class).failures()).isZero();
    }

    @Test
    void terminateTreeFailureCarriesTheDecayedCountAndDoesNotAddToIt() {
        sup = builder().failureDecay(Duration.ofSeconds(30)).failureThreshold(100).build();
        Puppet p = new Puppet();
        Puppet terminator = new Puppet();
        sup.add("p", p);
        sup.add("terminator", terminator);
        sup.start();
        log.next(ServiceStarted.class);
        log.next(ServiceStarted.class);

        failNow(p);
        failNow(p);                                                   // 2 at t=0
        clock.advance(Duration.ofSeconds(30));
        terminator.fail(new TerminateTreeException("end"));
        ServiceFailed f = log.await(ServiceFailed.class, e -> e.service().equals("terminator"));
        assertThat(f.failures()).isCloseTo(1.0, within(EPS));        // 2 * 0.5, not 2
        assertThat(f.restarting()).isFalse();
        log.await(SupervisorTerminated.class);
    }

    @Test
    void backoffEndResetsTheCountToZero() {
        Puppet p = startOne(builder().failureDecay(Duration.ofSeconds(30)).failureThreshold(1));
        failNow(p);
        p.fail();                                                     // 2 > 1
        log.next(BackoffStarted.class);
        assertThat(log.next(ServiceFailed.class).failures()).isEqualTo(2.0);

        clock.advance(Duration.ofSeconds(10));
        log.next(BackoffEnded.class);
        log.next(ServiceStarted.class);
        Puppet temp = new Puppet();
        sup.add(ChildSpec.of("temp", temp).withRestart(Restart.TEMPORARY));
        log.next(ServiceStarted.class);
        temp.fail();
        assertThat(log.next(ServiceFailed.class).failures()).isZero();    // reset, not 2 * 0.5^(1/3)

        // without the reset this would be 2 * 0.5^(10/30) + 1 = 2.59 > 1 and back off again
        ServiceFailed next = failNow(p);
        assertThat(next.failures()).isEqualTo(1.0);
        assertThat(next.restarting()).isTrue();
    }

    @Test
    void failuresDuringBackoffAreStillCountedUntilItEnds() {
        sup = builder().failureThreshold(1).build();
        Puppet a = new Puppet();
        Puppet b = new Puppet();
        sup.add("a", a);
        sup.add("b", b);
        sup.start();
        log.next(ServiceStarted.class);
        log.next(ServiceStarted.class);
        failNow(a);
        a.fail();
        log.next(BackoffStarted.class);
        assertThat(log.next(ServiceFailed.class).failures()).isEqualTo(2.0);
        b.fail();
        ServiceFailed during = log.next(ServiceFailed.class);
        assertThat(during.failures()).isEqualTo(3.0);
        assertThat(during.restarting()).isFalse();
    }
}
