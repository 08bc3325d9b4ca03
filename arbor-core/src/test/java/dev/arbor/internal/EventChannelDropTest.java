package dev.arbor.internal;

import dev.arbor.SupervisorEvent;
import dev.arbor.SupervisorEvent.BackoffStarted;
import dev.arbor.SupervisorEvent.EventsDropped;
import dev.arbor.SupervisorEvent.ServiceStarted;
import dev.arbor.SupervisorEvent.ServiceStopped;
import dev.arbor.SupervisorEvent.SupervisorTerminated;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * EventChannel's bound, event by event: beyond its capacity it drops, keeping spans whole (a start
 * dropped takes its end along; an end whose start was kept is always kept), never drops a
 * termination (which also closes a backoff cut short), and reports the count once the listener
 * has caught up; a flush waits for that report too.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class EventChannelDropTest {
    private final CountDownLatch entered = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    private final List<SupervisorEvent> delivered = new CopyOnWriteArrayList<>();
    private final Children children = new Children();

    private final EventChannel channel = new EventChannel((event, context) -> {
        entered.countDown();
        try {
            release.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        delivered.add(event);
    }, new TestOwner(), 2);

    /** The key of a supervisor's backoff, as the core keeps one. */
    private static final class Mark implements EventChannel.SpanKey {
        private boolean dropped;

        @Override
        public boolean startDropped() {
            return dropped;
        }

        @Override
        public void startDropped(boolean d) {
            dropped = d;
        }
    }

    private static final class TestOwner implements EventChannel.Owner {
        @Override
        public String name() {
            return "sup";
        }

        @Override
        public dev.arbor.EventContext contextNow() {
            return new dev.arbor.EventContext(Instant.EPOCH, List.of("sup"), java.util.Optional.empty(),
                    java.util.Optional.empty());
        }

        @Override
        public void listenerFailedFatally(Throwable error) {
            throw new AssertionError(error);
        }
    }

    private void publish(SupervisorEvent event, EventChannel.SpanKey key) {
        EventChannel.Batch batch = new EventChannel.Batch();
        batch.add(event, key, Instant.EPOCH, List.of("sup"), null);
        if (channel.publish(batch)) {
            channel.signal();
        }
    }

    @Test
    void beyondCapacitySpansAreDroppedWholeAndTheCountIsReportedLast() throws Exception {
        Child a = children.idle("a");
        Child b = children.idle("b");
        Child c = children.idle("c");
        Mark backoff = new Mark();

        publish(new ServiceStarted("sup", "a", 0), a);
        assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();   // the listener holds "a": 1 queued
        publish(new ServiceStarted("sup", "b", 0), b);                  // 2 queued: full
        publish(new ServiceStarted("sup", "c", 0), c);                  // no room: dropped, c marked
        publish(new ServiceStopped("sup", "c"), c);                     // its end goes with it
        publish(new ServiceStopped("sup", "b"), b);                     // b's start was kept: kept beyond capacity
        publish(new BackoffStarted("sup", Duration.ofSeconds(1)), backoff);   // dropped, marked
        assertThat(channel.openDrops()).isEqualTo(1);
        publish(new SupervisorTerminated("sup", null), backoff);        // never dropped; closes the cut-short backoff
        assertThat(channel.openDrops()).isZero();

        release.countDown();
        assertThat(channel.awaitDelivered(TimeUnit.SECONDS.toNanos(10))).isTrue();
        assertThat(delivered).containsExactly(
                new ServiceStarted("sup", "a", 0),
                new ServiceStarted("sup", "b", 0),
                new ServiceStopped("sup", "b"),
                new SupervisorTerminated("sup", null),
                new EventsDropped("sup", 3));
    }

    @Test
    void withRoomAgainEventsFlowAndNothingIsReported() throws Exception {
        release.countDown();
        Child a = children.idle("a");
        publish(new ServiceStarted("sup", "a", 0), a);
        publish(new ServiceStopped("sup", "a"), a);
        assertThat(channel.awaitDelivered(TimeUnit.SECONDS.toNanos(10))).isTrue();
        assertThat(delivered).containsExactly(new ServiceStarted("sup", "a", 0), new ServiceStopped("sup", "a"));
        assertThat(channel.openDrops()).isZero();
    }
}
