package dev.arbor.functional;

import dev.arbor.ChildInfo;
import dev.arbor.ChildSpec;
import dev.arbor.ChildState;
import dev.arbor.Jitter;
import dev.arbor.Restart;
import dev.arbor.ServiceRef;
import dev.arbor.Strategy;
import dev.arbor.Supervisor;
import dev.arbor.SupervisorEvent.BackoffEnded;
import dev.arbor.SupervisorEvent.BackoffStarted;
import dev.arbor.SupervisorEvent.ServiceFailed;
import dev.arbor.SupervisorEvent.ServiceStarted;
import dev.arbor.SupervisorEvent.ServiceStopTimeout;
import dev.arbor.SupervisorEvent.ServiceStopped;
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
 * {@code stopChild(ref)} / {@code startChild(ref)} (OTP {@code terminate_child} /
 * {@code restart_child}): a stopped child stays in {@code children()} as WAITING, is not
 * restarted (not by a backoff's end, not by a strategy restart) and is not a failure, until
 * {@code startChild} starts it again; a TEMPORARY child is removed; a child still stopping starts
 * once its run is gone; bad calls are rejected naming the problem. Time is a {@link ManualClock}.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class StopChildTest {
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
    void aStoppedChildWaitsUntilStartChildWithoutCountingAFailure() {
        sup = builder().build();
        Puppet p = new Puppet();
        ServiceRef a = sup.add("a", p);
        sup.start();
        log.next(ServiceStarted.class);

        assertThat(sup.stopChild(a)).isTrue();
        assertThat(log.next(ServiceStopped.class).service()).isEqualTo("a");
        assertThat(info("a").state()).isEqualTo(ChildState.WAITING);
        assertThat(sup.stopChild(a)).as("stopped already").isTrue();
        assertThat(sup.health().failures()).isZero();

        assertThat(sup.startChild(a)).isTrue();
        ServiceStarted again = log.next(ServiceStarted.class);
        assertThat(again.restarts()).isEqualTo(1);
        assertThat(info("a").state()).isEqualTo(ChildState.RUNNING);
        assertThat(sup.startChild(a)).as("running: nothing happens").isTrue();
        sup.add("b", new Puppet());                      // a later event proves startChild emitted nothing
        assertThat(log.next(ServiceStarted.class).service()).isEqualTo("b");
        assertThat(info("a").restarts()).isEqualTo(1);
    }

    @Test
    void aBackoffEndPassesAStoppedChildBy() {
        sup = builder().failureThreshold(0).failureBackoff(Duration.ofSeconds(10)).backoffJitter(Jitter.none()).build();
        Puppet p = new Puppet();
        ServiceRef a = sup.add("a", p);
        sup.start();
        log.next(ServiceStarted.class);
        p.fail();
        log.next(BackoffStarted.class);
        log.next(ServiceFailed.class);
        sup.stopChild(a);
        assertThat(info("a").state()).isEqualTo(ChildState.WAITING);
        clock.advance(Duration.ofSeconds(10));
        log.next(BackoffEnded.class);
        sup.add("b", new Puppet());                      // an event after the backoff's end proves nothing started
        assertThat(log.next(ServiceStarted.class).service()).isEqualTo("b");
        assertThat(info("a").state()).isEqualTo(ChildState.WAITING);
    }

    @Test
    void aStrategyRestartPassesAStoppedChildBy() {
        sup = builder().strategy(Strategy.ONE_FOR_ALL).build();
        Puppet a = new Puppet();
        sup.add("a", a);
        ServiceRef b = sup.add("b", new Puppet());
        sup.add("c", new Puppet());
        sup.start();
        for (int i = 0; i < 3; i++) {
            log.next(ServiceStarted.class);
        }
        sup.stopChild(b);
        log.next(ServiceStopped.class);
        a.fail();
        log.next(ServiceFailed.class);
        assertThat(log.next(ServiceStopped.class).service()).isEqualTo("c");
        assertThat(log.next(ServiceStarted.class).service()).isEqualTo("a");
        assertThat(log.next(ServiceStarted.class).service()).isEqualTo("c");
        assertThat(info("b").state()).isEqualTo(ChildState.WAITING);
        sup.startChild(b);
        assertThat(log.next(ServiceStarted.class).service()).isEqualTo("b");
    }

    @Test
    void aTemporaryChildIsRemoved() {
        sup = builder().build();
        ServiceRef a = sup.add(ChildSpec.of("a", new Puppet()).withRestart(Restart.TEMPORARY));
        sup.start();
        log.next(ServiceStarted.class);
        sup.stopChild(a);
        log.next(ServiceStopped.class);
        assertThat(sup.children()).isEmpty();
        assertThat(sup.startChild(a)).isFalse();
    }

    @Test
    void startChildWhileItsRunIsStillStoppingStartsItOnceTheRunIsGone() throws Exception {
        sup = builder().build();
        Hung hung = new Hung();
        ServiceRef a = sup.add(ChildSpec.of("a", hung).withShutdownTimeout(Duration.ofSeconds(3)));
        sup.start();
        log.next(ServiceStarted.class);
        hung.awaitStarted();
        sup.stopChild(a);
        sup.startChild(a);
        assertThat(info("a").state()).isEqualTo(ChildState.STOPPING);
        clock.advance(Duration.ofSeconds(3));
        log.next(ServiceStopTimeout.class);
        assertThat(log.next(ServiceStarted.class).restarts()).isEqualTo(1);
        hung.release();
    }

    @Test
    void badCallsAreRejectedNamingTheProblem() throws Exception {
        sup = builder().build();
        ServiceRef a = sup.add("a", new Puppet());
        assertThatThrownBy(() -> sup.stopChild(a)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("stopChild").hasMessageContaining("new");
        assertThatThrownBy(() -> sup.startChild(a)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("startChild");
        assertThatThrownBy(() -> sup.stopChild(null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("ref");
        assertThatThrownBy(() -> sup.startChild(null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("ref");
        ServiceRef foreign = Supervisor.create("other").add("x", new Puppet());
        assertThatThrownBy(() -> sup.stopChild(foreign)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("other/x");
        assertThatThrownBy(() -> sup.startChild(foreign)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("other/x");
        sup.start();
        log.next(ServiceStarted.class);
        sup.stop();
        assertThatThrownBy(() -> sup.stopChild(a)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("terminated");
    }
}
