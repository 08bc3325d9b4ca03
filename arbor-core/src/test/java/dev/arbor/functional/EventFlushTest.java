package dev.arbor.functional;

import dev.arbor.Supervisor;
import dev.arbor.SupervisorEvent;
import dev.arbor.SupervisorEvent.ServiceStarted;
import dev.arbor.SupervisorEvent.ServiceStopped;
import dev.arbor.SupervisorEvent.SupervisorTerminated;
import dev.arbor.testing.ManualClock;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 13 item 1: {@code stop()} returns only once the events of the tree's end have reached the
 * listeners, so a program that stops its tree and exits loses none; a stuck listener holds it up
 * for at most {@code eventFlushTimeout}; a listener that calls {@code stop()} does not wait for
 * itself.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class EventFlushTest {
    private final ManualClock clock = new ManualClock();

    /** Two levels, each with a listener of its own, so two channels must be flushed. */
    @RepeatedTest(20)
    void whenStopReturnsEveryEventOfTheTreesEndWasDelivered() throws Exception {
        List<SupervisorEvent> rootEvents = new CopyOnWriteArrayList<>();
        List<SupervisorEvent> subEvents = new CopyOnWriteArrayList<>();
        Supervisor sub = Supervisor.builder("sub").clock(clock).onEvent(slowly(subEvents)).build();
        sub.add("leaf", ctx -> ctx.awaitStop());
        Supervisor root = Supervisor.builder("root").clock(clock).onEvent(slowly(rootEvents)).build();
        root.add("worker", ctx -> ctx.awaitStop());
        root.add("sub", sub);
        root.start();

        root.stop();

        assertThat(rootEvents).last().isEqualTo(new SupervisorTerminated("root", null));
        assertThat(rootEvents).contains(new ServiceStopped("root", "worker"), new ServiceStopped("root", "sub"));
        assertThat(subEvents).last().isEqualTo(new SupervisorTerminated("sub", null));
        assertThat(subEvents).contains(new ServiceStopped("sub", "leaf"));
    }

    /** A listener slow enough that, without the flush, stop() would return before the last event. */
    private static java.util.function.Consumer<SupervisorEvent> slowly(List<SupervisorEvent> into) {
        return event -> {
            if (event instanceof SupervisorTerminated) {
                Thread.onSpinWait();
                Thread.yield();
            }
            into.add(event);
        };
    }

    @Test
    void stopWaitsForAListenerThatIsStillDelivering() throws Exception {
        CountDownLatch terminatedSeen = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Supervisor root = Supervisor.builder("root").clock(clock).onEvent(event -> {
            if (event instanceof SupervisorTerminated) {
                terminatedSeen.countDown();
                await(release);
            }
        }).build();
        root.add("worker", ctx -> ctx.awaitStop());
        root.start();

        CompletableFuture<Void> stopped = CompletableFuture.runAsync(() -> stopQuietly(root));
        assertThat(terminatedSeen.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(stopped).as("the listener is still on the last event").isNotDone();
        release.countDown();
        stopped.get(10, TimeUnit.SECONDS);
    }

    @Test
    void aStuckListenerHoldsStopUpForAtMostTheFlushTimeout() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        Supervisor root = Supervisor.builder("root").clock(clock).eventFlushTimeout(Duration.ofMillis(200))
                .onEvent(event -> {
                    if (event instanceof ServiceStarted) {
                        await(never);
                    }
                }).build();
        root.add("worker", ctx -> ctx.awaitStop());
        root.start();

        long start = System.nanoTime();
        assertThat(root.stop().clean()).isTrue();
        long tookMillis = (System.nanoTime() - start) / 1_000_000;
        assertThat(tookMillis).isGreaterThanOrEqualTo(190).isLessThan(5_000);
        never.countDown();
    }

    @Test
    void aListenerThatStopsItsOwnSupervisorDoesNotWaitForItself() throws Exception {
        CompletableFuture<Boolean> stoppedFromListener = new CompletableFuture<>();
        Supervisor[] self = new Supervisor[1];
        self[0] = Supervisor.builder("root").clock(clock).eventFlushTimeout(Duration.ofSeconds(20)).onEvent(event -> {
            if (event instanceof ServiceStarted) {
                long start = System.nanoTime();
                stopQuietly(self[0]);
                stoppedFromListener.complete(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10));
            }
        }).build();
        self[0].add("worker", ctx -> ctx.awaitStop());
        self[0].start();
        assertThat(stoppedFromListener.get(15, TimeUnit.SECONDS)).as("returned well before the 20 s flush timeout")
                .isTrue();
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void stopQuietly(Supervisor s) {
        try {
            s.stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
