package dev.arbor.functional;

import dev.arbor.StopReport;
import dev.arbor.Supervisor;
import dev.arbor.SupervisorEvent.ServiceStarted;
import dev.arbor.SupervisorEvent.ServiceStopTimeout;
import dev.arbor.UnstoppedService;
import dev.arbor.support.EventLog;
import dev.arbor.testing.ManualClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 13 item 5: {@code shutdownDeadline} bounds a whole shutdown whatever the stop order. A
 * REVERSE stop of children that each use their whole shutdown timeout would take their sum; at the
 * deadline every child not yet asked is asked, every run still going is abandoned and reported,
 * and the stop ends. A shutdown that ends in time leaves no timer behind.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ShutdownDeadlineTest {
    private final ManualClock clock = new ManualClock();
    private final EventLog log = new EventLog();
    private Supervisor sup;

    @Test
    void aReverseStopOfSlowChildrenEndsAtTheDeadline() throws Exception {
        sup = Supervisor.builder("sup").clock(clock).onEvent(log).shutdownTimeout(Duration.ofSeconds(10))
                .shutdownDeadline(Duration.ofSeconds(15)).build();
        List<Hung> hung = List.of(new Hung(), new Hung(), new Hung());
        for (int i = 0; i < hung.size(); i++) {
            sup.add("c" + i, hung.get(i));
        }
        sup.start();
        for (Hung h : hung) {
            h.started.await();
        }
        try {
            CompletableFuture<StopReport> stopped = CompletableFuture.supplyAsync(this::stop);
            hung.get(2).stopRequested.await();
            clock.advance(Duration.ofSeconds(10));          // c2's own timeout: abandoned, c1 asked
            log.await(ServiceStopTimeout.class, e -> e.service().equals("c2"));
            hung.get(1).stopRequested.await();
            assertThat(hung.get(0).stopRequested.getCount()).as("c0 not asked yet").isEqualTo(1);

            clock.advance(Duration.ofSeconds(5));           // the deadline, 20 s before REVERSE would end
            StopReport report = stopped.get(10, TimeUnit.SECONDS);
            assertThat(report.unstopped()).extracting(UnstoppedService::name).containsExactly("c0", "c1", "c2");
            assertThat(hung.get(0).stopRequested.await(10, TimeUnit.SECONDS)).as("c0 was asked at the deadline").isTrue();
            assertThat(clock.elapsed()).isEqualTo(Duration.ofSeconds(15));
        } finally {
            hung.forEach(Hung::release);
        }
    }

    @Test
    void aShutdownThatEndsInTimeCancelsItsDeadline() throws Exception {
        sup = Supervisor.builder("sup").clock(clock).onEvent(log)
                .shutdownDeadline(Duration.ofSeconds(15)).build();
        sup.add("polite", ctx -> ctx.awaitStop());
        sup.start();
        log.await(ServiceStarted.class, e -> true);
        assertThat(sup.stop().clean()).isTrue();
        assertThat(clock.pendingTasks()).isZero();
    }

    private StopReport stop() {
        try {
            return sup.stop();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
