package dev.arbor.junit5;

import dev.arbor.Service;

import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A service that ignores its stop request (interrupts included) until the test that ran the sample
 * releases it, so that the sample's supervisor must abandon it and the extension must report it;
 * {@link #releaseAndJoin()} then lets its threads end, leaving none behind.
 */
final class Stubborn {
    private static final Queue<Thread> threads = new ConcurrentLinkedQueue<>();
    private static volatile CountDownLatch release = new CountDownLatch(1);

    private Stubborn() {
    }

    static Service service() {
        CountDownLatch mine = release;
        return ctx -> {
            threads.add(Thread.currentThread());
            while (mine.getCount() > 0) {
                try {
                    mine.await();
                } catch (InterruptedException ignoredOnPurpose) {
                    // the point of this service: it does not stop when asked
                }
            }
        };
    }

    /** Lets every stubborn run end and waits (bounded) until their threads have. */
    static void releaseAndJoin() throws InterruptedException {
        release.countDown();
        Thread thread;
        while ((thread = threads.poll()) != null) {
            assertThat(thread.join(Duration.ofSeconds(10))).as("stubborn thread %s ended", thread).isTrue();
        }
        release = new CountDownLatch(1);
    }
}
