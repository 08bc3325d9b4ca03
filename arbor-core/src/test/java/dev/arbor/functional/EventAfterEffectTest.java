package dev.arbor.functional;

import dev.arbor.ChildInfo;
import dev.arbor.ChildSpec;
import dev.arbor.ChildState;
import dev.arbor.DoNotRestartException;
import dev.arbor.Jitter;
import dev.arbor.ServiceRef;
import dev.arbor.Supervisor;
import dev.arbor.SupervisorEvent;
import dev.arbor.SupervisorEvent.BackoffEnded;
import dev.arbor.SupervisorEvent.BackoffStarted;
import dev.arbor.SupervisorEvent.ServiceCompleted;
import dev.arbor.SupervisorEvent.ServiceFailed;
import dev.arbor.SupervisorEvent.ServiceStarted;
import dev.arbor.SupervisorEvent.ServiceStopTimeout;
import dev.arbor.SupervisorEvent.ServiceStopped;
import dev.arbor.SupervisorEvent.SupervisorTerminated;
import dev.arbor.SupervisorState;
import dev.arbor.support.EventLog;
import dev.arbor.support.Puppet;
import dev.arbor.testing.ManualClock;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * API.md "Events": an event is emitted only after what it reports has taken effect. Checked from
 * inside the listener, for every kind of event: {@code state()} and {@code children()} already
 * show it, and a backoff's end is already scheduled on the clock. The test moves on only after the
 * listener saw each event, so nothing else changes the supervisor while the listener looks.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)   // a wedged supervisor fails, not hangs
class EventAfterEffectTest {
    private final ManualClock clock = new ManualClock();
    private final EventLog log = new EventLog();
    private final List<String> problems = Collections.synchronizedList(new ArrayList<>());
    private final Set<String> checked = ConcurrentHashMap.newKeySet();
    private Supervisor sup;

    private Optional<ChildInfo> child(String name) {
        return sup.children().stream().filter(c -> c.name().equals(name)).findFirst();
    }

    private void expect(boolean holds, SupervisorEvent event, String what) {
        checked.add(event.getClass().getSimpleName());
        if (!holds) {
            problems.add("on " + event + ": expected " + what + ", but state " + sup.state() + ", children "
                    + sup.children() + ", pending timers " + clock.pendingTasks());
        }
    }

    private void check(SupervisorEvent event) {
        switch (event) {
            case ServiceStarted e -> expect(child(e.service()).map(c -> c.state() == ChildState.RUNNING
                    && c.restarts() == e.restarts()).orElse(false), e, "the child RUNNING with that restart count");
            case ServiceFailed e when e.restarting() -> expect(child(e.service()).map(c -> c.state() == ChildState.RUNNING
                    && c.lastFailure().orElse(null) == e.cause()).orElse(false), e, "the child running again");
            case ServiceFailed e -> expect(child(e.service()).map(c -> c.state() == ChildState.BACKOFF).orElse(false)
                    && sup.state() == SupervisorState.BACKOFF, e, "the child waiting in BACKOFF");
            case BackoffStarted e -> expect(sup.state() == SupervisorState.BACKOFF && clock.pendingTasks() == 1,
                    e, "BACKOFF with its end on the clock");
            case BackoffEnded e -> expect(sup.state() == SupervisorState.RUNNING, e, "RUNNING");
            case ServiceCompleted e -> expect(child(e.service()).isEmpty(), e, "the child gone");
            case ServiceStopped e when sup.state() == SupervisorState.RUNNING ->
                    expect(child(e.service()).isEmpty(), e, "the removed child gone");
            case ServiceStopped e -> expect(child(e.service()).map(c -> c.state() == ChildState.WAITING).orElse(true),
                    e, "the stopped child no longer running");
            case ServiceStopTimeout e -> expect(child(e.service()).isEmpty(), e, "the abandoned removed child gone");
            case SupervisorTerminated e -> expect(sup.state() == SupervisorState.TERMINATED, e, "TERMINATED");
            case SupervisorEvent.EventsDropped e -> expect(false, e, "no drop: this listener keeps up");
        }
    }

    @Test
    void everyKindOfEventIsDeliveredOnlyAfterItTookEffect() throws Exception {
        sup = Supervisor.builder("sup").clock(clock).failureThreshold(1).failureBackoff(Duration.ofSeconds(10))
                .backoffJitter(Jitter.none()).onEvent(event -> {
                    check(event);
                    log.accept(event);
                }).build();
        Puppet a = new Puppet();
        Puppet b = new Puppet();
        sup.add("a", a);
        ServiceRef bRef = sup.add("b", b);
        sup.start();
        log.next(ServiceStarted.class);
        log.next(ServiceStarted.class);

        a.fail();                                        // restarting
        log.next(ServiceFailed.class);
        log.next(ServiceStarted.class);
        a.fail();                                        // 2 > 1: backoff
        log.next(BackoffStarted.class);
        log.next(ServiceFailed.class);
        clock.advance(Duration.ofSeconds(10));
        log.next(BackoffEnded.class);
        log.next(ServiceStarted.class);

        Puppet c = new Puppet();
        sup.add("c", c);
        log.next(ServiceStarted.class);
        c.fail(new DoNotRestartException("done"));
        log.next(ServiceCompleted.class);

        sup.remove(bRef);
        log.next(ServiceStopped.class);

        CountDownLatch releaseStubborn = new CountDownLatch(1);
        ServiceRef stubbornRef = sup.add(ChildSpec.of("stubborn", ctx -> {
            while (true) {
                try {
                    releaseStubborn.await();
                    return;
                } catch (InterruptedException ignored) {
                    // ignores its stop request
                }
            }
        }).withShutdownTimeout(Duration.ZERO));
        log.next(ServiceStarted.class);
        sup.remove(stubbornRef);                         // a zero timeout abandons it at once
        log.next(ServiceStopTimeout.class);

        releaseStubborn.countDown();

        sup.stop();
        log.await(SupervisorTerminated.class);

        assertThat(problems).isEmpty();
        assertThat(checked).containsExactlyInAnyOrder("ServiceStarted", "ServiceFailed", "BackoffStarted",
                "BackoffEnded", "ServiceCompleted", "ServiceStopped", "ServiceStopTimeout", "SupervisorTerminated");
    }
}
