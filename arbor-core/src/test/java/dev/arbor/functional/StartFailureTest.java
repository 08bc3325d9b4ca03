package dev.arbor.functional;

import dev.arbor.ChildSpec;
import dev.arbor.StartFailedException;
import dev.arbor.Supervisor;
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
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * A failed start (OTP's {@code failed_to_start_child}): an awaited child that times out, fails or
 * returns before its ready signal makes the supervisor stop what it started, in reverse order, and
 * terminate with a {@link StartFailedException} (in {@code SupervisorTerminated} and
 * {@code terminationCause()}), which {@code start()} and {@code run()} throw once everything has
 * stopped; the children after it never start. A child supervisor's failed start fails its awaiting
 * parent's start too. A stop during the start makes {@code start()} return. Time is a
 * {@link ManualClock}.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class StartFailureTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final ManualClock clock = new ManualClock();
    private final EventLog log = new EventLog();
    private final Awaiting b = new Awaiting();
    private Supervisor sup;

    @AfterEach
    void stop() throws Exception {
        Stopper.stop(sup);
    }

    /** sup: a (plain), b (awaited), c (plain); started in the background until b's run began. */
    private CompletableFuture<Throwable> startUntilB(boolean viaRun) throws InterruptedException {
        sup = Supervisor.builder("sup").clock(clock).onEvent(log).build();
        sup.add("a", new Puppet());
        sup.add(ChildSpec.of("b", b).withStartTimeout(TIMEOUT));
        sup.add("c", new Puppet());
        CompletableFuture<Throwable> result = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> result.complete(catchThrowable(viaRun ? sup::run : sup::start)));
        assertThat(log.next(ServiceStarted.class).service()).isEqualTo("a");
        assertThat(log.next(ServiceStarted.class).service()).isEqualTo("b");
        b.nextRun();
        return result;
    }

    /** The end of a failed start: b and a stopped or failed in reverse order, then the termination. */
    private StartFailedException terminated() {
        SupervisorTerminated end = log.await(SupervisorTerminated.class);
        assertThat(end.cause()).isInstanceOf(StartFailedException.class);
        assertThat(sup.terminationCause()).containsSame(end.cause());
        assertThat(log.all()).noneMatch(e -> e instanceof ServiceStarted s && s.service().equals("c"));
        return (StartFailedException) end.cause();
    }

    @Test
    void aTimeoutStopsWhatWasStartedInReverseOrderAndStartThrows() throws Exception {
        CompletableFuture<Throwable> started = startUntilB(false);
        clock.advance(TIMEOUT.minusNanos(1));
        assertThat(started).isNotDone();
        clock.advance(Duration.ofNanos(1));
        assertThat(log.next(ServiceStopped.class).service()).isEqualTo("b");
        assertThat(log.next(ServiceStopped.class).service()).isEqualTo("a");
        StartFailedException e = terminated();
        assertThat(e.supervisor()).isEqualTo("sup");
        assertThat(e.child()).isEqualTo("b");
        assertThat(e.getMessage()).contains("\"sup\"", "\"b\"", "PT5S");
        assertThat(e.getCause()).isInstanceOf(TimeoutException.class);
        assertThat(started.get(10, TimeUnit.SECONDS)).isSameAs(e);
        assertThat(sup.state()).isEqualTo(SupervisorState.TERMINATED);
    }

    @Test
    void aFailureBeforeReadyFailsTheStartAndRunThrows() throws Exception {
        CompletableFuture<Throwable> ran = startUntilB(true);
        IllegalStateException boom = new IllegalStateException("cannot connect");
        b.fail(boom);
        ServiceFailed failed = log.next(ServiceFailed.class);
        assertThat(failed.cause()).isSameAs(boom);
        assertThat(failed.restarting()).isFalse();
        assertThat(failed.failures()).as("not counted").isZero();
        assertThat(log.next(ServiceStopped.class).service()).isEqualTo("a");
        StartFailedException e = terminated();
        assertThat(e.getCause()).isSameAs(boom);
        assertThat(e.getMessage()).contains("cannot connect");
        assertThat(ran.get(10, TimeUnit.SECONDS)).isSameAs(e);
    }

    @Test
    void aReturnBeforeReadyFailsTheStart() throws Exception {
        CompletableFuture<Throwable> started = startUntilB(false);
        b.complete();
        StartFailedException e = terminated();
        assertThat(e.getCause()).isNull();
        assertThat(e.getMessage()).contains("returned before it signalled ready");
        assertThat(started.get(10, TimeUnit.SECONDS)).isSameAs(e);
    }

    @Test
    void aStopDuringTheStartMakesStartReturn() throws Exception {
        CompletableFuture<Throwable> started = startUntilB(false);
        Stopper.stop(sup);
        assertThat(started.get(10, TimeUnit.SECONDS)).isNull();
        assertThat(sup.terminationCause()).isEmpty();
    }

    @Test
    void aChildSupervisorsFailedStartFailsItsAwaitingParentsStart() throws Exception {
        sup = Supervisor.builder("root").clock(clock).onEvent(log).build();
        Supervisor mid = Supervisor.builder("mid").clock(clock).build();
        mid.add(ChildSpec.of("b", b).withStartTimeout(TIMEOUT));
        sup.add(ChildSpec.of("mid", mid).withStartTimeout(Duration.ofMinutes(1)));
        sup.add("after", new Puppet());
        CompletableFuture<Throwable> started = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> started.complete(catchThrowable(sup::start)));
        b.nextRun();
        clock.advance(TIMEOUT);
        Throwable thrown = started.get(10, TimeUnit.SECONDS);
        assertThat(thrown).isInstanceOf(StartFailedException.class);
        StartFailedException rootFailed = (StartFailedException) thrown;
        assertThat(rootFailed.supervisor()).isEqualTo("root");
        assertThat(rootFailed.child()).isEqualTo("mid");
        assertThat(rootFailed.getCause()).isInstanceOf(StartFailedException.class);
        assertThat(((StartFailedException) rootFailed.getCause()).child()).isEqualTo("b");
        assertThat(log.all()).noneMatch(e -> e instanceof ServiceStarted s && s.service().equals("after"));
    }
}
