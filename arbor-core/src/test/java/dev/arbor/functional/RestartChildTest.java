package dev.arbor.functional;

import dev.arbor.ChildInfo;
import dev.arbor.ChildSpec;
import dev.arbor.ChildState;
import dev.arbor.Jitter;
import dev.arbor.Restart;
import dev.arbor.ServiceRef;
import dev.arbor.Supervisor;
import dev.arbor.SupervisorEvent.BackoffEnded;
import dev.arbor.SupervisorEvent.BackoffStarted;
import dev.arbor.SupervisorEvent.ServiceFailed;
import dev.arbor.SupervisorEvent.ServiceStarted;
import dev.arbor.SupervisorEvent.ServiceStopTimeout;
import dev.arbor.SupervisorEvent.ServiceStopped;
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
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code restartChild(ref)} (OTP {@code restart_child}): a running child is stopped and started
 * again with its spec; an idle one starts at once; the new run is one more restart of the child
 * but never a failure (neither the failure count nor {@code maxRestarts} sees it); a child that
 * ignores its stop starts again after its shutdown timeout; siblings are untouched; bad calls are
 * rejected naming the problem. Time is a {@link ManualClock}.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class RestartChildTest {
    private final ManualClock clock = new ManualClock();
    private final EventLog log = new EventLog();
    private Supervisor sup;

    @AfterEach
    void stop() throws Exception {
        Stopper.stop(sup);
    }

    private Supervisor.Builder builder() {
        return Supervisor.builder("sup").clock(clock).onEvent(log);
    }

    private ChildInfo info(String name) {
        return sup.children().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void aRunningChildIsStoppedAndStartedAgainWithoutCountingAFailure() {
        sup = builder().maxRestarts(0, Duration.ofSeconds(5)).build();
        ServiceRef a = sup.add("a", new Puppet());
        sup.add("b", new Puppet());
        sup.start();
        log.next(ServiceStarted.class);
        log.next(ServiceStarted.class);

        assertThat(sup.restartChild(a)).isTrue();
        assertThat(log.next(ServiceStopped.class).service()).isEqualTo("a");
        ServiceStarted again = log.next(ServiceStarted.class);
        assertThat(again.service()).isEqualTo("a");
        assertThat(again.restarts()).isEqualTo(1);
        assertThat(info("a").restarts()).isEqualTo(1);
        assertThat(info("b").restarts()).as("a sibling is untouched").isZero();
        assertThat(sup.health().failures()).isZero();
        assertThat(sup.state()).as("maxRestarts(0) does not count it").isEqualTo(SupervisorState.RUNNING);
    }

    @Test
    void aChildWaitingForABackoffStartsAtOnceAndOnlyOnce() {
        sup = builder().failureThreshold(0).failureBackoff(Duration.ofSeconds(10)).backoffJitter(Jitter.none()).build();
        Puppet p = new Puppet();
        ServiceRef a = sup.add("a", p);
        sup.start();
        log.next(ServiceStarted.class);
        p.fail();
        log.next(BackoffStarted.class);
        log.next(ServiceFailed.class);
        assertThat(info("a").state()).isEqualTo(ChildState.BACKOFF);

        sup.restartChild(a);
        assertThat(log.next(ServiceStarted.class).restarts()).isEqualTo(1);
        clock.advance(Duration.ofSeconds(10));
        log.next(BackoffEnded.class);
        assertThat(info("a").state()).isEqualTo(ChildState.RUNNING);
        assertThat(info("a").restarts()).as("the backoff's end does not start it twice").isEqualTo(1);
        sup.add("b", new Puppet());                      // a later event proves no second start was emitted
        assertThat(log.next(ServiceStarted.class).service()).isEqualTo("b");
    }

    @Test
    void aChildThatIgnoresItsStopStartsAgainAfterItsShutdownTimeout() throws Exception {
        sup = builder().build();
        Hung hung = new Hung();
        ServiceRef a = sup.add(ChildSpec.of("a", hung).withShutdownTimeout(Duration.ofSeconds(3)));
        sup.start();
        log.next(ServiceStarted.class);
        hung.awaitStarted();
        sup.restartChild(a);
        assertThat(info("a").state()).isEqualTo(ChildState.STOPPING);
        clock.advance(Duration.ofSeconds(3));
        assertThat(log.next(ServiceStopTimeout.class).service()).isEqualTo("a");
        assertThat(log.next(ServiceStarted.class).restarts()).isEqualTo(1);
        hung.release();
    }

    @Test
    void aTemporaryChildRestartedOnDemandStays() {
        sup = builder().build();
        ServiceRef a = sup.add(ChildSpec.of("a", new Puppet()).withRestart(Restart.TEMPORARY));
        sup.start();
        log.next(ServiceStarted.class);
        sup.restartChild(a);
        log.next(ServiceStopped.class);
        log.next(ServiceStarted.class);
        assertThat(info("a").state()).isEqualTo(ChildState.RUNNING);
    }

    @Test
    void badCallsAreRejectedNamingTheProblem() throws Exception {
        sup = builder().build();
        ServiceRef a = sup.add("a", new Puppet());
        assertThatThrownBy(() -> sup.restartChild(a)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("\"a\"").hasMessageContaining("new");
        assertThatThrownBy(() -> sup.restartChild(null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("ref");
        Supervisor other = Supervisor.create("other");
        ServiceRef foreign = other.add("x", new Puppet());
        assertThatThrownBy(() -> sup.restartChild(foreign)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("other/x");
        sup.start();
        log.next(ServiceStarted.class);
        sup.remove(a);
        assertThat(sup.restartChild(a)).as("being removed").isFalse();
        log.next(ServiceStopped.class);
        assertThat(sup.restartChild(a)).as("removed").isFalse();
        sup.stop();
        ServiceRef gone = a;
        assertThat(sup.restartChild(gone)).isFalse();
    }
}
