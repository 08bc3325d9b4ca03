package dev.arbor.functional;

import dev.arbor.Service;
import dev.arbor.ServiceContext;

import java.util.concurrent.CountDownLatch;

/**
 * A service that ignores its stop request (and every interrupt) until the test releases it, so a
 * stop can only end by the child's shutdown timeout. Tests release it at the end, so no thread
 * outlives them.
 */
final class Hung implements Service {
    private final CountDownLatch release = new CountDownLatch(1);
    final CountDownLatch started = new CountDownLatch(1);
    final CountDownLatch stopRequested = new CountDownLatch(1);
    final CountDownLatch ended = new CountDownLatch(1);
    volatile ServiceContext ctx;

    @Override
    public void serve(ServiceContext ctx) {
        this.ctx = ctx;
        ctx.onStop(stopRequested::countDown);
        started.countDown();
        try {
            while (true) {
                try {
                    release.await();
                    return;
                } catch (InterruptedException ignored) {
                    // a stubborn service: interrupts do not end it
                }
            }
        } finally {
            ended.countDown();
        }
    }

    /** Lets the service return. */
    void release() {
        release.countDown();
    }

    void awaitStarted() throws InterruptedException {
        await(started, "started");
    }

    void awaitEnded() throws InterruptedException {
        await(ended, "ended");
    }

    static void await(CountDownLatch latch, String what) throws InterruptedException {
        if (!latch.await(Bound.SECONDS, java.util.concurrent.TimeUnit.SECONDS)) {
            throw new AssertionError("not " + what + " within " + Bound.BOUND);
        }
    }
}
