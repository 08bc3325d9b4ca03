package dev.arbor.functional;

import dev.arbor.ChildSpec;
import dev.arbor.ServiceRef;
import dev.arbor.StopReport;
import dev.arbor.Strategy;
import dev.arbor.Supervisor;
import dev.arbor.SupervisorEvent.ServiceStopTimeout;
import dev.arbor.SupervisorEvent.ServiceStopped;
import dev.arbor.UnstoppedService;
import dev.arbor.support.EventLog;
import dev.arbor.testing.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * API.md: the StopReport also lists runs "that ignored an earlier stop request (a remove, a
 * strategy restart) and never ended".
 */
class AbandonedRunReportTest {
    private final ManualClock clock = new ManualClock();
    private final EventLog log = new EventLog();
    private final Hung hung = new Hung();

    @AfterEach
    void releaseHungRun() {
        hung.release();
    }

    @Test
    void aRemovedRunThatNeverEndedIsListedByALaterStop() throws Exception {
        Supervisor sup = Supervisor.builder("sup").clock(clock).onEvent(log).build();
        ServiceRef ref = sup.add(ChildSpec.of("stubborn", hung).withShutdownTimeout(Duration.ofSeconds(1)));
        sup.add("fine", ctx -> ctx.awaitStop());
        sup.start();
        hung.awaitStarted();

        sup.remove(ref);
        Bound.pendingTasks(clock, 1);
        clock.advance(Duration.ofSeconds(1));
        log.await(ServiceStopTimeout.class);
        assertThat(sup.children()).extracting(c -> c.name()).containsExactly("fine");

        StopReport report = assertTimeoutPreemptively(Bound.BOUND, sup::stop);

        assertThat(report.unstopped()).containsExactly(new UnstoppedService(List.of("sup"), "stubborn"));
    }

    @Test
    void aRunAbandonedByAStrategyRestartIsListedAlongsideItsReplacement() throws Exception {
        Supervisor sup = Supervisor.builder("sup").clock(clock).onEvent(log).strategy(Strategy.ONE_FOR_ALL)
                .shutdownTimeout(Duration.ofSeconds(2)).build();
        AtomicInteger siblingRuns = new AtomicInteger();
        sup.add("sibling", ctx -> {
            if (siblingRuns.incrementAndGet() == 1) {
                hung.serve(ctx);            // the first run ignores the restart's stop request
            } else {
                ctx.awaitStop();            // its replacement behaves
            }
        });
        CountDownLatch fail = new CountDownLatch(1);
        AtomicInteger failerRuns = new AtomicInteger();
        sup.add("failer", ctx -> {
            if (failerRuns.incrementAndGet() == 1) {
                fail.await();
                throw new IllegalStateException("boom");
            }
            ctx.awaitStop();
        });
        sup.start();
        hung.awaitStarted();

        fail.countDown();
        Bound.pendingTasks(clock, 1);        // the sibling's shutdown timer of the strategy restart
        clock.advance(Duration.ofSeconds(2));
        assertThat(log.await(ServiceStopTimeout.class).service()).isEqualTo("sibling");
        Bound.until("both restarted", () -> siblingRuns.get() == 2 && failerRuns.get() == 2);

        StopReport report = sup.stop();

        assertThat(report.unstopped()).containsExactly(new UnstoppedService(List.of("sup"), "sibling"));
        // Both replacements stopped in time (REVERSE: failer, then sibling).
        assertThat(log.await(ServiceStopped.class).service()).isEqualTo("failer");
        assertThat(log.await(ServiceStopped.class).service()).isEqualTo("sibling");
    }
}
