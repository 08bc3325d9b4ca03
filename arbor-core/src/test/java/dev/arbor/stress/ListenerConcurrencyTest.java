package dev.arbor.stress;

import dev.arbor.Supervisor;
import dev.arbor.SupervisorEvent;
import dev.arbor.SupervisorEvent.SupervisorTerminated;
import dev.arbor.testing.ManualClock;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Known trap "an event hook called concurrently from two threads": a tree whose child supervisors
 * have no listener of their own shares the root's, and many children fail at once on many threads;
 * the listener must never be entered while another call is still inside it.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)   // a wedged supervisor fails, not hangs
class ListenerConcurrencyTest {
    private static final int SUBS = 8;
    private static final int CHILDREN_PER_SUB = 8;
    private static final int FAILURES_PER_CHILD = 40;

    /** Flags any overlap of two calls; each call lingers a little to widen the window. */
    private static final class OverlapDetector implements Consumer<SupervisorEvent> {
        final AtomicInteger inside = new AtomicInteger();
        final AtomicInteger maxInside = new AtomicInteger();
        final AtomicLong calls = new AtomicLong();
        final CountDownLatch rootTerminated = new CountDownLatch(1);

        @Override
        public void accept(SupervisorEvent event) {
            int now = inside.incrementAndGet();
            maxInside.accumulateAndGet(now, Math::max);
            for (int i = 0; i < 200; i++) {
                Thread.onSpinWait();
            }
            calls.incrementAndGet();
            inside.decrementAndGet();
            if (event instanceof SupervisorTerminated t && t.supervisor().equals("root")) {
                rootTerminated.countDown();
            }
        }
    }

    @Test
    void listenerSharedByATreeIsNeverCalledConcurrently() throws Exception {
        OverlapDetector listener = new OverlapDetector();
        ManualClock clock = new ManualClock();
        Supervisor root = Supervisor.builder("root").clock(clock).onEvent(listener).failureThreshold(1e9).build();
        CountDownLatch settled = new CountDownLatch(SUBS * CHILDREN_PER_SUB);
        for (int s = 0; s < SUBS; s++) {
            Supervisor sub = Supervisor.builder("sub" + s).clock(clock).failureThreshold(1e9).build();
            root.add("sub" + s, sub);
            for (int c = 0; c < CHILDREN_PER_SUB; c++) {
                AtomicInteger runs = new AtomicInteger();
                sub.add("c" + c, ctx -> {
                    if (runs.incrementAndGet() <= FAILURES_PER_CHILD) {
                        throw new IllegalStateException("failure");
                    }
                    settled.countDown();
                    ctx.awaitStop();
                });
            }
        }
        root.start();
        assertThat(settled.await(30, TimeUnit.SECONDS)).as("every child got past its failures").isTrue();
        assertThat(root.stop().clean()).isTrue();
        assertThat(listener.rootTerminated.await(30, TimeUnit.SECONDS)).isTrue();

        long runsPerChild = FAILURES_PER_CHILD + 1;
        long expected = SUBS * (1 + 1)                            // each sub: started + stopped by root
                + SUBS * CHILDREN_PER_SUB * runsPerChild * 2       // each run: started + failed/stopped
                + SUBS + 1;                                        // SupervisorTerminated for every supervisor
        assertThat(listener.calls.get()).isEqualTo(expected);
        assertThat(listener.maxInside.get()).as("calls inside the listener at once").isEqualTo(1);
    }
}
