package dev.arbor.soak;

import dev.arbor.ServiceContext;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Spin storms: when fired, every spinner service waiting for one spins on its carrier for the
 * storm's duration, ignoring interrupts and stop requests. With at least
 * {@code availableProcessors()} spinners, no carrier is free for any other virtual thread until
 * the storm ends; the supervisors' timers and stop logic must still work. Each spinner spins for
 * the storm's duration once, so the total spin time is bounded and the run always ends.
 */
final class SpinStorms {
    private static final int CARRIERS = Runtime.getRuntime().availableProcessors();
    private volatile CountDownLatch next = new CountDownLatch(1);
    private volatile long untilNanos;
    private volatile long stormNanos;
    private final AtomicInteger spinning = new AtomicInteger();
    private final AtomicInteger peak = new AtomicInteger();
    private final AtomicLong storms = new AtomicLong();
    private final AtomicLong spinNanos = new AtomicLong();

    /** Starts a storm that lasts {@code nanos}. */
    synchronized void fire(long nanos) {
        untilNanos = System.nanoTime() + nanos;
        stormNanos = nanos;
        CountDownLatch fired = next;
        next = new CountDownLatch(1);
        storms.incrementAndGet();
        fired.countDown();
    }

    /** Releases every waiting spinner without a storm (end of the soak run). */
    synchronized void fireNone() {
        untilNanos = 0;
        next.countDown();
    }

    /** The body of a spinner run: wait for storms until stopped; spin through each storm. */
    void serveSpinner(ServiceContext ctx) throws InterruptedException {
        while (!ctx.isStopping()) {
            CountDownLatch latch = next;
            try {
                latch.await();
            } catch (InterruptedException e) {
                if (ctx.isStopping()) {
                    return;
                }
                throw e;
            }
            if (untilNanos == 0) {
                return;
            }
            // Under a restart storm runnable threads queue for the carriers and spinners wake up at
            // different times: each keeps its carrier until every carrier is taken (at most 2 s),
            // then spins for the storm's length, so all carriers are taken at once for a while.
            int now = spinning.incrementAndGet();
            peak.accumulateAndGet(now, Math::max);
            long start = System.nanoTime();
            long gatherUntil = start + 2_000_000_000L;
            while (spinning.get() < CARRIERS && System.nanoTime() - gatherUntil < 0) {
                Thread.onSpinWait();   // never blocks, never yields: this carrier is taken
            }
            peak.accumulateAndGet(spinning.get(), Math::max);
            long until = System.nanoTime() + stormNanos;
            while (System.nanoTime() - until < 0) {
                Thread.onSpinWait();
            }
            spinNanos.addAndGet(System.nanoTime() - start);
            spinning.decrementAndGet();
            // fire() installed the next latch before releasing this one: the loop waits for a new storm.
        }
    }

    /** Waits (boundedly) until {@code n} spinners spin at once, so a stop lands in the storm. */
    boolean awaitSpinning(int n, long timeoutNanos) {
        long deadline = System.nanoTime() + timeoutNanos;
        while (spinning.get() < n) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            Thread.onSpinWait();
        }
        return true;
    }

    int spinning() {
        return spinning.get();
    }

    int peakSpinners() {
        return peak.get();
    }

    long storms() {
        return storms.get();
    }

    long spinNanos() {
        return spinNanos.get();
    }
}
