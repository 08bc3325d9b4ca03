package dev.arbor.functional;

import dev.arbor.ChildSpec;
import dev.arbor.FailureAction;
import dev.arbor.Jitter;
import dev.arbor.Restart;
import dev.arbor.ServiceRef;
import dev.arbor.Supervisor;
import dev.arbor.SupervisorEvent.BackoffStarted;
import dev.arbor.SupervisorEvent.ServiceFailed;
import dev.arbor.SupervisorEvent.ServiceStarted;
import dev.arbor.SupervisorEvent.SupervisorTerminated;
import dev.arbor.TerminateTreeException;
import dev.arbor.support.ContextLog;
import dev.arbor.support.ContextLog.Entry;
import dev.arbor.support.Puppet;
import dev.arbor.support.Stopper;
import dev.arbor.testing.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 13 item 3: an {@link dev.arbor.EventListener} gets each event with its context: the time
 * from the supervisor's clock, the path from the root (two supervisors named {@code workers} in
 * different subtrees are told apart), the child's {@link ServiceRef}, and after a failure what the
 * supervisor does next ({@link FailureAction}), which {@code restarting == false} cannot say.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class EventContextTest {
    private final ManualClock clock = new ManualClock();
    private final ContextLog log = new ContextLog();
    private Supervisor root;

    @AfterEach
    void stop() throws Exception {
        Stopper.stop(root);
    }

    @Test
    void pathsTellTwoSupervisorsOfTheSameNameApart() {
        Supervisor eu = Supervisor.builder("eu").clock(clock).build();
        Supervisor us = Supervisor.builder("us").clock(clock).build();
        Supervisor euWorkers = Supervisor.builder("workers").clock(clock).build();
        Supervisor usWorkers = Supervisor.builder("workers").clock(clock).build();
        ServiceRef euWorker = euWorkers.add("worker", new Puppet());
        ServiceRef usWorker = usWorkers.add("worker", new Puppet());
        eu.add("workers", euWorkers);
        us.add("workers", usWorkers);
        root = Supervisor.builder("app").clock(clock).listener(log).build();
        root.add("eu", eu);
        root.add("us", us);
        root.start();

        Entry first = log.await(ServiceStarted.class, e -> e.service().equals("worker"));
        Entry second = log.await(ServiceStarted.class, e -> e.service().equals("worker"));
        assertThat(List.of(first.context().path(), second.context().path()))
                .containsExactly(List.of("app", "eu", "workers"), List.of("app", "us", "workers"));
        assertThat(first.context().pathString()).isEqualTo("app/eu/workers");
        assertThat(first.context().service()).contains(euWorker);
        assertThat(second.context().service()).contains(usWorker);
        assertThat(first.context().action()).isEmpty();
    }

    @Test
    void timesComeFromTheSupervisorsClock() {
        Puppet worker = new Puppet();
        root = Supervisor.builder("app").clock(clock).listener(log).build();
        root.add("worker", worker);
        clock.advance(Duration.ofSeconds(3));
        root.start();
        assertThat(log.await(ServiceStarted.class, e -> true).context().time())
                .isEqualTo(Instant.EPOCH.plusSeconds(3));

        clock.advance(Duration.ofMillis(1500));
        worker.fail();
        Entry failed = log.await(ServiceFailed.class, e -> true);
        Entry restarted = log.await(ServiceStarted.class, e -> true);
        assertThat(failed.context().time()).isEqualTo(Instant.EPOCH.plusMillis(4500));
        assertThat(restarted.context().time()).as("one section, one time").isEqualTo(failed.context().time());
    }

    @Test
    void eachFailureSaysWhatComesNext() throws Exception {
        Puppet permanent = new Puppet();
        Puppet temporary = new Puppet();
        Puppet terminator = new Puppet();
        root = Supervisor.builder("app").clock(clock).listener(log).failureThreshold(1)
                .failureBackoff(Duration.ofSeconds(10)).backoffJitter(Jitter.none()).build();
        root.add("permanent", permanent);
        root.add(ChildSpec.of("temporary", temporary).withRestart(Restart.TEMPORARY));
        root.add("terminator", terminator);
        root.start();
        log.await(ServiceStarted.class, e -> e.service().equals("terminator"));

        permanent.fail();
        assertThat(failureOf("permanent").context().action()).contains(FailureAction.RESTART);
        log.await(ServiceStarted.class, e -> e.service().equals("permanent"));
        permanent.fail();                     // a second failure at the same instant: 2 > 1
        Entry backoff = log.await(BackoffStarted.class, e -> true);
        assertThat(backoff.context().service()).isEmpty();
        Entry waits = failureOf("permanent");
        assertThat(((ServiceFailed) waits.event()).restarting()).isFalse();
        assertThat(waits.context().action()).contains(FailureAction.BACKOFF);

        temporary.fail();
        Entry removed = failureOf("temporary");
        assertThat(((ServiceFailed) removed.event()).restarting()).isFalse();
        assertThat(removed.context().action()).contains(FailureAction.REMOVE);

        terminator.fail(new TerminateTreeException("enough"));
        Entry terminates = failureOf("terminator");
        assertThat(((ServiceFailed) terminates.event()).restarting()).isFalse();
        assertThat(terminates.context().action()).contains(FailureAction.TERMINATE);
        Entry end = log.await(SupervisorTerminated.class, e -> true);
        assertThat(end.context().path()).containsExactly("app");
    }

    @Test
    void aFailureWhileTheSupervisorStopsIsNotRestarted() throws Exception {
        Puppet early = new Puppet();
        Hung late = new Hung();
        root = Supervisor.builder("app").clock(clock).listener(log).shutdownTimeout(Duration.ofSeconds(5)).build();
        root.add("early", early);
        root.add("late", late);
        root.start();
        late.started.await();
        Thread stopper = Thread.ofVirtual().start(() -> {
            try {
                root.stop();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        late.stopRequested.await();           // REVERSE: "late" is asked first and holds the stop up
        early.fail();

        Entry failed = failureOf("early");
        assertThat(failed.context().action()).contains(FailureAction.STOP);
        clock.advance(Duration.ofSeconds(5));
        stopper.join(Duration.ofSeconds(10));
        late.release();
        assertThat(stopper.isAlive()).isFalse();
    }

    private Entry failureOf(String service) {
        return log.await(ServiceFailed.class, e -> e.service().equals(service));
    }
}
