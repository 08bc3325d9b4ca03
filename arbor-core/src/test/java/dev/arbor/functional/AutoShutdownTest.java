package dev.arbor.functional;

import dev.arbor.AutoShutdown;
import dev.arbor.ChildSpec;
import dev.arbor.DoNotRestartException;
import dev.arbor.Restart;
import dev.arbor.Service;
import dev.arbor.ServiceRef;
import dev.arbor.Supervisor;
import dev.arbor.SupervisorEvent;
import dev.arbor.SupervisorEvent.ServiceCompleted;
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

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Significant children and {@code autoShutdown} (OTP 24): with ANY_SIGNIFICANT the supervisor
 * stops itself cleanly (stop order, no termination cause, {@code run()} returns) when a
 * significant child completes (a TRANSIENT one returns or throws DoNotRestartException, a
 * TEMPORARY one ends in any way); with ALL_SIGNIFICANT when the last active one does; a restarted
 * failure, {@code remove} and {@code stopChild} never trigger it; a child supervisor that shuts
 * itself down ends as a normal return in its parent's eyes; and the combinations OTP rejects are
 * rejected with a message.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class AutoShutdownTest {
    private final ManualClock clock = new ManualClock();
    private final EventLog log = new EventLog();
    private Supervisor sup;

    @AfterEach
    void stop() throws Exception {
        Stopper.stop(sup);
    }

    private Supervisor.Builder builder(AutoShutdown when) {
        return Supervisor.builder("sup").clock(clock).onEvent(log).autoShutdown(when);
    }

    private static ChildSpec significant(String name, Service s, Restart r) {
        return ChildSpec.of(name, s).withRestart(r).withSignificant(true);
    }

    @Test
    void anySignificantCompletionStopsTheSupervisorCleanlyInStopOrder() throws Exception {
        sup = builder(AutoShutdown.ANY_SIGNIFICANT).build();
        Puppet a = new Puppet();
        sup.add(significant("a", a, Restart.TRANSIENT));
        sup.add("b", new Puppet());
        sup.add(significant("c", new Puppet(), Restart.TRANSIENT));
        CompletableFuture<Throwable> ran = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> ran.complete(catchThrowable(sup::run)));
        for (int i = 0; i < 3; i++) {
            log.next(ServiceStarted.class);
        }
        a.complete();
        assertThat(log.next(ServiceCompleted.class).service()).isEqualTo("a");
        assertThat(log.next(ServiceStopped.class).service()).isEqualTo("c");
        assertThat(log.next(ServiceStopped.class).service()).isEqualTo("b");
        assertThat(log.next(SupervisorTerminated.class).cause()).isNull();
        assertThat(ran.get(10, TimeUnit.SECONDS)).as("run() returns normally").isNull();
        assertThat(sup.terminationCause()).isEmpty();
    }

    @Test
    void aRestartedFailureIsNotACompletion() {
        sup = builder(AutoShutdown.ANY_SIGNIFICANT).build();
        Puppet a = new Puppet();
        sup.add(significant("a", a, Restart.TRANSIENT));
        sup.start();
        log.next(ServiceStarted.class);
        a.fail();
        assertThat(log.next(ServiceFailed.class).restarting()).isTrue();
        log.next(ServiceStarted.class);
        assertThat(sup.state()).isEqualTo(SupervisorState.RUNNING);
        a.fail(new DoNotRestartException("done"));           // a transient's DoNotRestart completes it
        log.next(ServiceCompleted.class);
        assertThat(log.next(SupervisorTerminated.class).cause()).isNull();
    }

    @Test
    void aTemporarySignificantChildThatFailsCompletes() {
        sup = builder(AutoShutdown.ANY_SIGNIFICANT).build();
        Puppet a = new Puppet();
        sup.add(significant("a", a, Restart.TEMPORARY));
        sup.start();
        log.next(ServiceStarted.class);
        a.fail();
        assertThat(log.next(ServiceFailed.class).restarting()).isFalse();
        assertThat(log.next(SupervisorTerminated.class).cause()).isNull();
    }

    @Test
    void allSignificantWaitsForTheLastActiveOne() {
        sup = builder(AutoShutdown.ALL_SIGNIFICANT).build();
        Puppet a = new Puppet();
        Puppet b = new Puppet();
        Puppet c = new Puppet();
        sup.add(significant("a", a, Restart.TRANSIENT));
        sup.add(significant("b", b, Restart.TEMPORARY));
        ServiceRef rc = sup.add(significant("c", c, Restart.TRANSIENT));
        sup.add("bystander", new Puppet());
        sup.start();
        for (int i = 0; i < 4; i++) {
            log.next(ServiceStarted.class);
        }
        a.complete();
        log.next(ServiceCompleted.class);
        assertThat(sup.state()).isEqualTo(SupervisorState.RUNNING);
        sup.stopChild(rc);                                     // stopped on demand: no longer active
        log.next(ServiceStopped.class);
        assertThat(sup.state()).as("a stop on demand is no completion").isEqualTo(SupervisorState.RUNNING);
        b.complete();
        log.next(ServiceCompleted.class);
        assertThat(log.next(ServiceStopped.class).service()).isEqualTo("bystander");
        assertThat(log.next(SupervisorTerminated.class).cause()).isNull();
    }

    @Test
    void removingASignificantChildDoesNotTriggerIt() {
        sup = builder(AutoShutdown.ANY_SIGNIFICANT).build();
        ServiceRef a = sup.add(significant("a", new Puppet(), Restart.TRANSIENT));
        sup.start();
        log.next(ServiceStarted.class);
        sup.remove(a);
        log.next(ServiceStopped.class);
        sup.add("b", new Puppet());
        log.next(ServiceStarted.class);
        assertThat(sup.state()).isEqualTo(SupervisorState.RUNNING);
    }

    @Test
    void aChildSupervisorThatShutsItselfDownEndsAsANormalReturn() {
        sup = Supervisor.builder("root").clock(clock).onEvent(log).build();
        Supervisor permanentMid = Supervisor.builder("pmid").clock(clock).autoShutdown(AutoShutdown.ANY_SIGNIFICANT).build();
        Supervisor transientMid = Supervisor.builder("tmid").clock(clock).autoShutdown(AutoShutdown.ANY_SIGNIFICANT).build();
        Puppet p = new Puppet();
        Puppet t = new Puppet();
        permanentMid.add(significant("p", p, Restart.TRANSIENT));
        transientMid.add(significant("t", t, Restart.TRANSIENT));
        sup.add("pmid", permanentMid);
        sup.add(ChildSpec.of("tmid", transientMid).withRestart(Restart.TRANSIENT));
        sup.start();
        for (int i = 0; i < 4; i++) {                        // pmid, tmid, and their children
            log.next(ServiceStarted.class);
        }

        t.complete();
        SupervisorEvent end = log.await(SupervisorEvent.class, e -> e.supervisor().equals("root"));
        assertThat(end).isEqualTo(new ServiceCompleted("root", "tmid"));

        p.complete();
        ServiceFailed pmidEnd = log.await(ServiceFailed.class, e -> e.supervisor().equals("root"));
        assertThat(pmidEnd.service()).isEqualTo("pmid");
        assertThat(pmidEnd.cause()).as("a PERMANENT child that returned").isNull();
        assertThat(pmidEnd.restarting()).isTrue();
        assertThat(log.next(ServiceStarted.class)).as("restarted, without p: a completed child is gone")
                .isEqualTo(new ServiceStarted("root", "pmid", 1));
    }

    @Test
    void theCombinationsOtpRejectsAreRejectedWithAMessage() {
        Service s = ctx -> { };
        assertThatThrownBy(() -> ChildSpec.of("w", s).withSignificant(true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("\"w\"").hasMessageContaining("PERMANENT");
        ChildSpec sig = significant("w", s, Restart.TRANSIENT);
        assertThatThrownBy(() -> sig.withRestart(Restart.PERMANENT))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PERMANENT");
        Supervisor never = Supervisor.builder("plain").build();
        assertThatThrownBy(() -> never.add(sig)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("\"w\"").hasMessageContaining("\"plain\"").hasMessageContaining("NEVER");
        assertThat(never.children()).isEmpty();
        assertThatNullPointerException().isThrownBy(() -> Supervisor.builder("x").autoShutdown(null))
                .withMessageContaining("autoShutdown");
        assertThat(ChildSpec.of("w", s).withSignificant(false).options()).isEqualTo(ChildSpec.Options.NONE);
    }
}
