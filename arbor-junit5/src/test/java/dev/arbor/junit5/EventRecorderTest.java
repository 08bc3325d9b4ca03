package dev.arbor.junit5;

import dev.arbor.SupervisorEvent;
import dev.arbor.SupervisorEvent.BackoffStarted;
import dev.arbor.SupervisorEvent.ServiceFailed;
import dev.arbor.SupervisorEvent.ServiceStarted;
import dev.arbor.SupervisorEvent.SupervisorTerminated;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.opentest4j.AssertionFailedError;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** EventRecorder: each event returned once, matched by service or supervisor, waits bounded. */
@Timeout(30)
class EventRecorderTest {
    private final EventRecorder events = new EventRecorder(Duration.ofSeconds(10));

    @Test
    void awaitReturnsEachMatchingEventOnceInDeliveryOrder() {
        ServiceFailed first = failed("worker", "one");
        ServiceFailed second = failed("worker", "two");
        events.record(first);
        events.record(new ServiceStarted("root", "worker", 1));
        events.record(second);

        assertThat(events.await(ServiceFailed.class, "worker")).isSameAs(first);
        assertThat(events.await(ServiceFailed.class, "worker")).isSameAs(second);
        assertThat(events.await(ServiceStarted.class, "worker").restarts()).isEqualTo(1);
        assertThat(events.all()).hasSize(3);
        assertThat(events.all(ServiceFailed.class)).containsExactly(first, second);
    }

    @Test
    void aConditionSkipsEventsWithoutTakingThem() {
        events.record(new ServiceStarted("root", "worker", 0));
        events.record(new ServiceStarted("root", "worker", 1));

        assertThat(events.await(ServiceStarted.class, "worker", s -> s.restarts() == 1).restarts()).isEqualTo(1);
        assertThat(events.await(ServiceStarted.class, "worker").restarts()).isZero();
    }

    @Test
    void supervisorLevelEventsMatchTheSupervisorsName() {
        events.record(new BackoffStarted("root", Duration.ofSeconds(5)));
        events.record(new SupervisorTerminated("mid", null));

        assertThat(events.await(BackoffStarted.class, "root").delay()).isEqualTo(Duration.ofSeconds(5));
        assertThat(events.await(SupervisorTerminated.class, "mid").supervisor()).isEqualTo("mid");
    }

    @Test
    void awaitWaitsForAnEventRecordedLaterByAnotherThread() throws Exception {
        CountDownLatch waiting = new CountDownLatch(1);
        CompletableFuture<ServiceFailed> awaited = CompletableFuture.supplyAsync(() -> {
            waiting.countDown();
            return events.await(ServiceFailed.class, "late");
        });
        assertThat(waiting.await(10, TimeUnit.SECONDS)).isTrue();
        events.record(failed("other", "not this one"));
        ServiceFailed late = failed("late", "this one");
        events.record(late);

        assertThat(awaited.get(10, TimeUnit.SECONDS)).isSameAs(late);
    }

    @Test
    void anEventThatNeverComesFailsAfterTheTimeoutListingWhatWasRecorded() {
        EventRecorder quick = new EventRecorder(Duration.ofMillis(50));
        quick.record(new ServiceStarted("root", "worker", 0));

        assertThatThrownBy(() -> quick.await(ServiceFailed.class, "worker"))
                .isInstanceOf(AssertionFailedError.class)
                .hasMessageStartingWith("no ServiceFailed event for \"worker\" within PT0.05S (real time); 1 events")
                .hasMessageContaining("ServiceStarted[supervisor=root, service=worker, restarts=0]");
        assertThatThrownBy(() -> quick.await(ServiceStarted.class, "worker", s -> s.restarts() == 3))
                .hasMessageContaining("satisfying the condition");
    }

    @Test
    void anInterruptedAwaitFailsAndKeepsTheInterruptFlag() {
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> events.await(ServiceFailed.class, "worker"))
                    .isInstanceOf(AssertionFailedError.class)
                    .hasMessage("interrupted while awaiting a ServiceFailed event for \"worker\"");
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void badArgumentsAreRefusedWithAMessageNamingThem() {
        assertThatThrownBy(() -> events.await(null, "worker")).isInstanceOf(NullPointerException.class)
                .hasMessage("type must not be null");
        assertThatThrownBy(() -> events.await(ServiceFailed.class, null)).isInstanceOf(NullPointerException.class)
                .hasMessage("name must not be null");
        assertThatThrownBy(() -> events.await(ServiceFailed.class, " ")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("name must not be blank, was \" \"");
        assertThatThrownBy(() -> events.await(ServiceFailed.class, "w", null))
                .isInstanceOf(NullPointerException.class).hasMessage("condition must not be null");
        assertThatThrownBy(() -> events.all(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("type must not be null");
    }

    @Test
    void everyEventTypeHasASubject() {
        assertThat(EventRecorder.subject(new SupervisorEvent.ServiceCompleted("root", "a"))).isEqualTo("a");
        assertThat(EventRecorder.subject(new SupervisorEvent.ServiceStopped("root", "b"))).isEqualTo("b");
        assertThat(EventRecorder.subject(new SupervisorEvent.ServiceStopTimeout("root", "c"))).isEqualTo("c");
        assertThat(EventRecorder.subject(new SupervisorEvent.BackoffEnded("root"))).isEqualTo("root");
    }

    private static ServiceFailed failed(String service, String message) {
        return new ServiceFailed("root", service, new IllegalStateException(message), 1, 5, true);
    }
}
