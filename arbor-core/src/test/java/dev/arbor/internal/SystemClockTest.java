package dev.arbor.internal;

import dev.arbor.Cancellable;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real clock's timer: tasks run once, in due order, on its platform thread, cancelled ones
 * never; scheduling never waits. Real-time waits here are upper bounds only.
 */
class SystemClockTest {
    private final SystemClock clock = SystemClock.INSTANCE;

    @Test
    void tasksRunOnceInDueOrderOnThePlatformTimerThread() throws InterruptedException {
        List<String> ran = new CopyOnWriteArrayList<>();
        List<Boolean> virtual = new CopyOnWriteArrayList<>();
        CountDownLatch all = new CountDownLatch(3);
        clock.schedule(Duration.ofMillis(60), () -> { ran.add("late"); virtual.add(Thread.currentThread().isVirtual()); all.countDown(); });
        clock.schedule(Duration.ofMillis(30), () -> { ran.add("middle"); all.countDown(); });
        clock.schedule(Duration.ZERO, () -> { ran.add("now"); all.countDown(); });
        assertThat(all.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(ran).containsExactly("now", "middle", "late");
        assertThat(virtual).containsExactly(false);
    }

    @Test
    void aCancelledTaskNeverRuns() throws InterruptedException {
        AtomicBoolean cancelledRan = new AtomicBoolean();
        CountDownLatch later = new CountDownLatch(1);
        Cancellable handle = clock.schedule(Duration.ofMillis(20), () -> cancelledRan.set(true));
        handle.cancel();
        handle.cancel();                                   // idempotent
        clock.schedule(Duration.ofMillis(80), later::countDown);
        assertThat(later.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(cancelledRan).isFalse();
    }

    @Test
    void aHugeDelayNeitherOverflowsNorDelaysOthers() throws InterruptedException {
        AtomicBoolean farRan = new AtomicBoolean();
        Cancellable far = clock.schedule(Duration.ofSeconds(Long.MAX_VALUE), () -> farRan.set(true));
        CountDownLatch near = new CountDownLatch(1);
        clock.schedule(Duration.ofMillis(1), near::countDown);
        assertThat(near.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(farRan).isFalse();
        far.cancel();
    }

    @Test
    void tasksFireWhileVirtualThreadsSpinOnEveryCarrier() throws InterruptedException {
        AtomicBoolean spin = new AtomicBoolean(true);
        int carriers = Runtime.getRuntime().availableProcessors();
        CountDownLatch spinning = new CountDownLatch(carriers);
        List<Thread> spinners = new CopyOnWriteArrayList<>();
        for (int i = 0; i < carriers; i++) {
            spinners.add(Thread.ofVirtual().start(() -> {
                spinning.countDown();
                long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);   // bounded, in case
                while (spin.get() && System.nanoTime() < until) {
                    Thread.onSpinWait();
                }
            }));
        }
        try {
            assertThat(spinning.await(10, TimeUnit.SECONDS)).isTrue();
            CountDownLatch fired = new CountDownLatch(1);
            clock.schedule(Duration.ofMillis(10), fired::countDown);
            assertThat(fired.await(10, TimeUnit.SECONDS)).as("timer ran with no carrier free").isTrue();
        } finally {
            spin.set(false);
            for (Thread t : spinners) {
                t.join(TimeUnit.SECONDS.toMillis(30));
            }
        }
    }
}
