package dev.arbor.functional;

import dev.arbor.ChildInfo;
import dev.arbor.ChildSpec;
import dev.arbor.ChildState;
import dev.arbor.ServiceContext;
import dev.arbor.Supervisor;
import dev.arbor.SupervisorEvent.ServiceFailed;
import dev.arbor.SupervisorEvent.ServiceStarted;
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
 * The ready signal and the ordered start (OTP's synchronous start): a child with a start timeout
 * counts as started only once its run called {@code ready()}; the next child in add order starts
 * only then, a child added meanwhile takes its place in that order, and {@code start()} returns
 * once every child is started. A child supervisor is ready when its own start is over. Restarts
 * never wait for ready. Time is a {@link ManualClock} (the timeouts never elapse here).
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class OrderedStartTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final ManualClock clock = new ManualClock();
    private final EventLog log = new EventLog();
    private Supervisor sup;

    @AfterEach
    void stop() throws Exception {
        Stopper.stop(sup);
    }

    private ChildState state(Supervisor s, String name) {
        return s.children().stream().filter(c -> c.name().equals(name)).findFirst().map(ChildInfo::state).orElseThrow();
    }

    private CompletableFuture<Throwable> startInBackground(Supervisor s) {
        CompletableFuture<Throwable> started = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> started.complete(catchThrowable(s::start)));
        return started;
    }

    @Test
    void theNextChildStartsOnlyOnceTheAwaitedOneIsReady() throws Exception {
        sup = Supervisor.builder("sup").clock(clock).onEvent(log).build();
        Awaiting b = new Awaiting();
        sup.add("a", new Puppet());
        sup.add(ChildSpec.of("b", b).withStartTimeout(TIMEOUT));
        sup.add("c", new Puppet());
        CompletableFuture<Throwable> started = startInBackground(sup);
        assertThat(log.next(ServiceStarted.class).service()).isEqualTo("a");
        assertThat(log.next(ServiceStarted.class).service()).isEqualTo("b");
        ServiceContext ctx = b.nextRun();
        sup.add("d", new Puppet());                      // added during the start: after c, in add order
        assertThat(state(sup, "c")).isEqualTo(ChildState.WAITING);
        assertThat(state(sup, "d")).isEqualTo(ChildState.WAITING);
        assertThat(started).as("start() waits for b's ready signal").isNotDone();

        ctx.ready();
        ctx.ready();                                     // idempotent
        assertThat(log.next(ServiceStarted.class).service()).isEqualTo("c");
        assertThat(log.next(ServiceStarted.class).service()).isEqualTo("d");
        assertThat(started.get(10, TimeUnit.SECONDS)).isNull();
    }

    @Test
    void aChildSupervisorIsReadyWhenItsOwnStartIsOver() throws Exception {
        sup = Supervisor.builder("root").clock(clock).onEvent(log).build();
        Supervisor mid = Supervisor.builder("mid").clock(clock).build();
        Awaiting x = new Awaiting();
        mid.add(ChildSpec.of("x", x).withStartTimeout(TIMEOUT));
        sup.add(ChildSpec.of("mid", mid).withStartTimeout(TIMEOUT));
        sup.add("after", new Puppet());
        CompletableFuture<Throwable> started = startInBackground(sup);
        assertThat(log.next(ServiceStarted.class).service()).isEqualTo("mid");
        assertThat(log.next(ServiceStarted.class).service()).isEqualTo("x");
        ServiceContext ctx = x.nextRun();
        assertThat(state(sup, "after")).isEqualTo(ChildState.WAITING);
        ctx.ready();
        assertThat(log.next(ServiceStarted.class)).isEqualTo(new ServiceStarted("root", "after", 0));
        assertThat(started.get(10, TimeUnit.SECONDS)).isNull();
    }

    @Test
    void restartsDoNotWaitForReady() throws Exception {
        sup = Supervisor.builder("sup").clock(clock).onEvent(log).build();
        Awaiting a = new Awaiting();
        sup.add(ChildSpec.of("a", a).withStartTimeout(TIMEOUT));
        Puppet b = new Puppet();
        sup.add("b", b);
        CompletableFuture<Throwable> started = startInBackground(sup);
        log.next(ServiceStarted.class);
        a.nextRun().ready();
        log.next(ServiceStarted.class);
        assertThat(started.get(10, TimeUnit.SECONDS)).isNull();

        a.fail(new IllegalStateException("boom"));
        assertThat(log.next(ServiceFailed.class).restarting()).isTrue();
        assertThat(log.next(ServiceStarted.class).service()).isEqualTo("a");
        a.nextRun();                                     // never ready: nothing waits for it
        b.fail();
        log.next(ServiceFailed.class);
        assertThat(log.next(ServiceStarted.class).service()).isEqualTo("b");
        clock.advance(TIMEOUT.multipliedBy(2));          // its start timeout is not armed for a restart
        assertThat(state(sup, "a")).isEqualTo(ChildState.RUNNING);
    }

    @Test
    void withoutAwaitedChildrenStartReturnsAtOnceAsBefore() {
        sup = Supervisor.builder("sup").clock(clock).onEvent(log).build();
        sup.add("a", new Puppet());
        sup.start();
        assertThat(log.next(ServiceStarted.class).service()).isEqualTo("a");
    }

    @Test
    void aBadStartTimeoutIsRejectedNamingTheValue() {
        ChildSpec spec = ChildSpec.of("w", new Puppet());
        assertThatThrownBy(() -> spec.withStartTimeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("PT0S").hasMessageContaining("\"w\"");
        assertThatThrownBy(() -> spec.withStartTimeout(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("PT-1S");
        assertThat(spec.withStartTimeout(TIMEOUT).withStartTimeout(null)).isEqualTo(spec);
    }
}
