package dev.arbor.functional;

import dev.arbor.StopReport;
import dev.arbor.Supervisor;
import dev.arbor.SupervisorEvent;
import dev.arbor.SupervisorEvent.ServiceFailed;
import dev.arbor.SupervisorEvent.ServiceStarted;
import dev.arbor.SupervisorEvent.ServiceStopped;
import dev.arbor.SupervisorEvent.SupervisorTerminated;
import dev.arbor.SupervisorState;
import dev.arbor.support.Eventually;
import dev.arbor.testing.ManualClock;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * API.md "Events": a listener that throws or is slow never breaks or deadlocks supervision. A child
 * fails three times and then runs; the supervisor must restart it, stop it and terminate while the
 * listener misbehaves, and every event still reaches the listener, in order.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)   // a wedged supervisor fails, not hangs
class ListenerFaultTest {
    private static final int FAILURES = 3;

    private final ManualClock clock = new ManualClock();
    private final CountDownLatch settled = new CountDownLatch(1);
    private final AtomicInteger runs = new AtomicInteger();

    private Supervisor supervisor(Consumer<SupervisorEvent> listener) {
        Supervisor sup = Supervisor.builder("sup").clock(clock).onEvent(listener).build();
        sup.add("child", ctx -> {
            if (runs.incrementAndGet() <= FAILURES) {
                throw new IllegalStateException("failure " + runs.get());
            }
            settled.countDown();
            ctx.awaitStop();
        });
        return sup;
    }

    /** The events one run of the scenario emits, in order. */
    private static void assertScenarioEvents(List<SupervisorEvent> events) {
        assertThat(events).hasSize(2 * FAILURES + 3);
        for (int i = 0; i < FAILURES; i++) {
            assertThat(events.get(2 * i)).isEqualTo(new ServiceStarted("sup", "child", i));
            assertThat(events.get(2 * i + 1)).isInstanceOfSatisfying(ServiceFailed.class,
                    f -> assertThat(f.restarting()).isTrue());
        }
        assertThat(events.subList(2 * FAILURES, events.size())).containsExactly(
                new ServiceStarted("sup", "child", FAILURES), new ServiceStopped("sup", "child"),
                new SupervisorTerminated("sup", null));
    }

    @ParameterizedTest(name = "listener throws {0}")
    @ValueSource(strings = {"RuntimeException", "Error"})
    void listenerThatThrowsOnEveryEventDoesNotBreakSupervision(String kind) throws Exception {
        List<SupervisorEvent> received = Collections.synchronizedList(new ArrayList<>());
        Supervisor sup = supervisor(event -> {
            received.add(event);
            if (kind.equals("Error")) {
                throw new AssertionError("listener bug");
            }
            throw new IllegalStateException("listener bug");
        });
        sup.start();
        assertThat(settled.await(10, TimeUnit.SECONDS)).as("restarted past its failures").isTrue();
        StopReport report = sup.stop();
        assertThat(report.clean()).isTrue();
        assertThat(sup.state()).isEqualTo(SupervisorState.TERMINATED);
        Eventually.until("every event delivered", () -> received.size() == 2 * FAILURES + 3);
        assertScenarioEvents(List.copyOf(received));
    }

    @Test
    void listenerThatBlocksDoesNotBlockSupervisionAndGetsTheQueuedEventsInOrderLater() throws Exception {
        CountDownLatch unblock = new CountDownLatch(1);
        List<SupervisorEvent> received = Collections.synchronizedList(new ArrayList<>());
        Supervisor sup = supervisor(event -> {
            received.add(event);
            try {
                unblock.await();                 // blocks on the first event until the test lets go
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        // The whole life of the supervisor happens while the listener is stuck in its first call;
        // it runs on another thread so that a supervisor that waits for its listener fails the
        // test (bounded) instead of hanging it.
        CompletableFuture<StopReport> lifetime = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                sup.start();
                if (!settled.await(10, TimeUnit.SECONDS)) {
                    throw new AssertionError("not restarted past its failures while the listener blocks");
                }
                lifetime.complete(sup.stop());
            } catch (Throwable t) {
                lifetime.completeExceptionally(t);
            }
        });
        try {
            assertThat(lifetime.get(10, TimeUnit.SECONDS).clean()).isTrue();
            assertThat(sup.state()).isEqualTo(SupervisorState.TERMINATED);
            assertThat(runs).hasValue(FAILURES + 1);
            assertThat(received).hasSize(1);     // everything else is queued behind the blocked call
        } finally {
            unblock.countDown();
        }
        Eventually.until("the queued events delivered", () -> received.size() == 2 * FAILURES + 3);
        assertScenarioEvents(List.copyOf(received));
    }

    @Test
    void listenerThatCallsBackIntoTheSupervisorAndStopsItDoesNotDeadlock() throws Exception {
        Supervisor[] holder = new Supervisor[1];
        List<SupervisorEvent> received = Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<StopReport> stoppedFromListener = new CompletableFuture<>();
        holder[0] = supervisor(event -> {
            received.add(event);
            Supervisor sup = holder[0];
            sup.state();
            sup.children();
            if (event instanceof ServiceFailed && !stoppedFromListener.isDone()) {
                try {
                    // stop() from the delivery thread: it waits for the children, not for delivery
                    stoppedFromListener.complete(sup.stop());
                } catch (Throwable t) {
                    stoppedFromListener.completeExceptionally(t);
                }
            }
        });
        holder[0].start();
        assertThat(stoppedFromListener.get(10, TimeUnit.SECONDS).clean()).isTrue();
        assertThat(holder[0].state()).isEqualTo(SupervisorState.TERMINATED);
        Eventually.until("SupervisorTerminated delivered after the listener's stop() returned",
                () -> received.contains(new SupervisorTerminated("sup", null)));
        assertThat(received.get(0)).isEqualTo(new ServiceStarted("sup", "child", 0));
        assertThat(received.get(1)).isInstanceOf(ServiceFailed.class);
    }
}
