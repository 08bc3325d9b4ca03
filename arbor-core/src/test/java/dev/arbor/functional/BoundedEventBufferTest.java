package dev.arbor.functional;

import dev.arbor.Supervisor;
import dev.arbor.SupervisorEvent;
import dev.arbor.SupervisorEvent.EventsDropped;
import dev.arbor.SupervisorEvent.ServiceFailed;
import dev.arbor.SupervisorEvent.ServiceStarted;
import dev.arbor.SupervisorEvent.ServiceStopped;
import dev.arbor.SupervisorEvent.SupervisorTerminated;
import dev.arbor.testing.ManualClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 8 item 2: a listener slower than a restart storm no longer buffers without limit. The
 * channel keeps at most its capacity (plus the ends of runs whose start it kept), drops the rest
 * with a count, and delivers {@link EventsDropped} once the listener catches up; what is delivered
 * keeps its order, and no end comes without its start.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class BoundedEventBufferTest {
    private static final int CAPACITY = 1_000;
    private static final int FIRST_STORM = 50_000;
    private static final int STORM = 200_000;

    private final ManualClock clock = new ManualClock();
    private final LinkedBlockingQueue<SupervisorEvent> delivered = new LinkedBlockingQueue<>();
    private final CountDownLatch listenerReleased = new CountDownLatch(1);
    private final CountDownLatch halfway = new CountDownLatch(1);
    private final CountDownLatch resume = new CountDownLatch(1);
    private final CountDownLatch stormOver = new CountDownLatch(1);
    private final AtomicInteger runs = new AtomicInteger();

    @Test
    void aBlockedListenerDuringAStormKeepsTheHeapFlatAndIsToldHowManyEventsItMissed() throws Exception {
        Supervisor sup = Supervisor.builder("storm").clock(clock).failureThreshold(Double.POSITIVE_INFINITY)
                .eventBuffer(CAPACITY).onEvent(event -> {
                    await(listenerReleased);            // blocks on the very first event until released
                    delivered.add(event);
                }).build();
        sup.add("crasher", ctx -> {
            int run = runs.incrementAndGet();
            if (run == FIRST_STORM) {
                halfway.countDown();
                await(resume);
            }
            if (run < STORM) {
                throw new IllegalStateException("crash " + run);
            }
            stormOver.countDown();
            ctx.awaitStop();
        });
        sup.start();

        assertThat(halfway.await(30, TimeUnit.SECONDS)).isTrue();
        long heapAtFirstStorm = usedHeapAfterGc();
        resume.countDown();
        assertThat(stormOver.await(30, TimeUnit.SECONDS)).isTrue();
        long heapAfterFourTimesAsMany = usedHeapAfterGc();
        // Unbounded, the 150,000 further restarts would hold 300,000 more events (tens of MB).
        assertThat(heapAfterFourTimesAsMany - heapAtFirstStorm).as("heap growth, bytes").isLessThan(8_000_000);

        listenerReleased.countDown();
        sup.stop();
        List<SupervisorEvent> events = new ArrayList<>(delivered);

        long dropped = events.stream().filter(e -> e instanceof EventsDropped).mapToLong(e -> ((EventsDropped) e).count()).sum();
        long kept = events.stream().filter(e -> !(e instanceof EventsDropped)).count();
        long emitted = 2L * STORM + 1;        // each run: a start and an end (the last one stopped); the termination
        assertThat(kept + dropped).isEqualTo(emitted);
        assertThat(kept).isLessThanOrEqualTo(CAPACITY + 3L);
        // The last run's ServiceStopped goes with its dropped start, so a last report may follow the end.
        assertThat(events.stream().filter(e -> !(e instanceof EventsDropped)).toList()).last()
                .isEqualTo(new SupervisorTerminated("storm", null));
        assertThat(events).filteredOn(e -> e instanceof EventsDropped)
                .allSatisfy(e -> assertThat(((EventsDropped) e).count()).isPositive());
        assertEveryEndHasItsStartInOrder(events);
    }

    private static void assertEveryEndHasItsStartInOrder(List<SupervisorEvent> events) {
        boolean running = false;
        int lastRestarts = -1;
        for (SupervisorEvent e : events) {
            if (e instanceof ServiceStarted s) {
                assertThat(running).as("a start after a start: " + s).isFalse();
                assertThat(s.restarts()).as("restarts keep their order").isGreaterThan(lastRestarts);
                lastRestarts = s.restarts();
                running = true;
            } else if (e instanceof ServiceFailed || e instanceof ServiceStopped) {
                assertThat(running).as("an end without its start: " + e).isTrue();
                running = false;
            }
        }
    }

    private static long usedHeapAfterGc() {
        Runtime runtime = Runtime.getRuntime();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            used = Math.min(used, runtime.totalMemory() - runtime.freeMemory());
        }
        return used;
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
