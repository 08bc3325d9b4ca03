package dev.arbor.functional;

import dev.arbor.ChildState;
import dev.arbor.Jitter;
import dev.arbor.RestartIntensityException;
import dev.arbor.Strategy;
import dev.arbor.Supervisor;
import dev.arbor.SupervisorEvent;
import dev.arbor.SupervisorEvent.BackoffEnded;
import dev.arbor.SupervisorEvent.BackoffStarted;
import dev.arbor.SupervisorEvent.ServiceFailed;
import dev.arbor.SupervisorEvent.ServiceStarted;
import dev.arbor.SupervisorEvent.ServiceStopped;
import dev.arbor.SupervisorEvent.SupervisorTerminated;
import dev.arbor.SupervisorState;
import dev.arbor.support.EventLog;
import dev.arbor.support.Puppet;
import dev.arbor.support.Stopper;
import dev.arbor.testing.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * API.md v2 {@code maxRestarts(restarts, window)}: more than {@code restarts} restarts within one
 * window terminate the supervisor with a {@link RestartIntensityException} (the supervisor, the
 * limit, the window in the message; the last failure as its cause): the failure that exceeds it is
 * not restarting, the children are stopped in stop order, {@code SupervisorTerminated} and
 * {@code terminationCause()} carry it, and {@code run()} throws it. One failure counts once however
 * many siblings a strategy restarts; failures in a backoff count; without {@code maxRestarts} the
 * supervisor never gives up. Time is a {@link ManualClock}.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class MaxRestartsTest {
    private static final Duration WINDOW = Duration.ofSeconds(5);

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

    /** Fails {@code p} and waits for its restart. */
    private void failAndRestart(Puppet p, String name) {
        p.fail();
        assertThat(log.next(ServiceFailed.class).restarting()).isTrue();
        assertThat(log.next(ServiceStarted.class).service()).isEqualTo(name);
    }

    @Test
    void theRestartAfterTheLimitTerminatesWithTheLastFailureAsCause() throws Exception {
        sup = builder().maxRestarts(2, WINDOW).build();
        Puppet a = new Puppet();
        Puppet b = new Puppet();
        sup.add("a", a);
        sup.add("b", b);
        CompletableFuture<Throwable> ran = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> ran.complete(catchThrowable(sup::run)));
        log.next(ServiceStarted.class);
        log.next(ServiceStarted.class);
        failAndRestart(a, "a");
        clock.advance(Duration.ofSeconds(2));
        failAndRestart(a, "a");
        clock.advance(Duration.ofSeconds(3));      // exactly one window after the first: still inside it
        IllegalStateException last = new IllegalStateException("third");
        a.fail(last);

        ServiceFailed failed = log.next(ServiceFailed.class);
        assertThat(failed.cause()).isSameAs(last);
        assertThat(failed.restarting()).isFalse();
        assertThat(log.next(ServiceStopped.class).service()).isEqualTo("b");
        SupervisorTerminated terminated = log.next(SupervisorTerminated.class);
        assertThat(terminated.cause()).isInstanceOf(RestartIntensityException.class);
        RestartIntensityException rie = (RestartIntensityException) terminated.cause();
        assertThat(rie.getCause()).isSameAs(last);
        assertThat(rie.supervisor()).isEqualTo("sup");
        assertThat(rie.restarts()).isEqualTo(2);
        assertThat(rie.window()).isEqualTo(WINDOW);
        assertThat(rie.getMessage()).contains("\"sup\"", "more than 2 restarts", "PT5S", "third");
        assertThat(sup.terminationCause()).containsSame(rie);
        assertThat(ran.get(10, TimeUnit.SECONDS)).isSameAs(rie);
        assertThat(sup.state()).isEqualTo(SupervisorState.TERMINATED);
        assertThat(a.runs()).isEqualTo(3);
    }

    @Test
    void restartsSpreadWiderThanTheWindowNeverGiveUp() throws Exception {
        sup = builder().maxRestarts(1, WINDOW).build();
        Puppet a = new Puppet();
        sup.add("a", a);
        sup.start();
        log.next(ServiceStarted.class);
        for (int i = 0; i < 20; i++) {
            failAndRestart(a, "a");
            clock.advance(WINDOW.plusNanos(1));
        }
        assertThat(sup.state()).isEqualTo(SupervisorState.RUNNING);
    }

    @Test
    void withoutMaxRestartsTheSupervisorNeverGivesUp() {
        sup = builder().build();
        Puppet a = new Puppet();
        sup.add("a", a);
        sup.start();
        log.next(ServiceStarted.class);
        for (int i = 0; i < 200; i++) {
            failAndRestart(a, "a");
        }
        assertThat(sup.state()).isEqualTo(SupervisorState.RUNNING);
        assertThat(sup.terminationCause()).isEmpty();
    }

    @Test
    void aZeroLimitGivesUpAtTheFirstFailureAndAReturnedRunHasNoCause() {
        sup = builder().maxRestarts(0, WINDOW).build();
        Puppet a = new Puppet();
        sup.add("a", a);
        sup.start();
        log.next(ServiceStarted.class);
        a.complete();                                // a PERMANENT run that returns is a counted failure
        assertThat(log.next(ServiceFailed.class).restarting()).isFalse();
        RestartIntensityException rie = (RestartIntensityException) log.next(SupervisorTerminated.class).cause();
        assertThat(rie.getCause()).isNull();
        assertThat(rie.getMessage()).contains("returned normally");
    }

    @Test
    void aStrategyRestartOfThreeChildrenCountsOnce() {
        sup = builder().strategy(Strategy.ONE_FOR_ALL).maxRestarts(1, WINDOW).build();
        Puppet a = new Puppet();
        sup.add("a", a);
        sup.add("b", new Puppet());
        sup.add("c", new Puppet());
        sup.start();
        for (int i = 0; i < 3; i++) {
            log.next(ServiceStarted.class);
        }
        a.fail();
        assertThat(log.next(ServiceFailed.class).restarting()).isTrue();
        log.next(ServiceStopped.class);
        log.next(ServiceStopped.class);
        for (String name : new String[] {"a", "b", "c"}) {
            assertThat(log.next(ServiceStarted.class).service()).isEqualTo(name);
        }
        assertThat(sup.state()).as("3 children restarted, 1 restart counted").isEqualTo(SupervisorState.RUNNING);
        a.fail();
        assertThat(log.next(ServiceFailed.class).restarting()).isFalse();
        assertThat(log.await(SupervisorTerminated.class).cause()).isInstanceOf(RestartIntensityException.class);
    }

    @Test
    void failuresDuringABackoffCountAndGivingUpStartsNoBackoff() {
        sup = Supervisor.builder("sup").clock(clock).onEvent(log).failureThreshold(0)
                .failureBackoff(Duration.ofSeconds(1)).backoffJitter(Jitter.none()).maxRestarts(2, WINDOW).build();
        Puppet a = new Puppet();
        Puppet b = new Puppet();
        sup.add("a", a);
        sup.add("b", b);
        sup.start();
        log.next(ServiceStarted.class);
        log.next(ServiceStarted.class);
        a.fail();
        log.next(BackoffStarted.class);
        assertThat(log.next(ServiceFailed.class).restarting()).isFalse();
        b.fail();                                    // in the backoff: waits, and counts as the 2nd restart
        assertThat(log.next(ServiceFailed.class).restarting()).isFalse();
        assertThat(sup.children()).allMatch(c -> c.state() == ChildState.BACKOFF);
        clock.advance(Duration.ofSeconds(1));
        log.next(BackoffEnded.class);
        log.next(ServiceStarted.class);
        log.next(ServiceStarted.class);
        a.fail();
        SupervisorEvent next = log.next(SupervisorEvent.class);
        assertThat(next).as("the third restart gives up instead of backing off").isInstanceOf(ServiceFailed.class);
        assertThat(((ServiceFailed) next).restarting()).isFalse();
        assertThat(log.await(SupervisorTerminated.class).cause()).isInstanceOf(RestartIntensityException.class);
    }

    @Test
    void badArgumentsAreRejectedNamingTheValue() {
        Supervisor.Builder b = Supervisor.builder("x");
        assertThatThrownBy(() -> b.maxRestarts(-1, WINDOW)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-1");
        assertThatThrownBy(() -> b.maxRestarts(1, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("PT0S");
        assertThatThrownBy(() -> b.maxRestarts(1, Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("PT-1S");
        assertThatThrownBy(() -> b.maxRestarts(1, null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("window");
        assertThatThrownBy(() -> new RestartIntensityException("s", -2, WINDOW, null))
                .hasMessageContaining("-2");
        assertThatThrownBy(() -> new RestartIntensityException(null, 1, WINDOW, null))
                .hasMessageContaining("supervisor");
    }
}
