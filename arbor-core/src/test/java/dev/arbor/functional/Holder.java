package dev.arbor.functional;

import dev.arbor.Service;
import dev.arbor.ServiceContext;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;

/**
 * A cooperative service that notices its stop request, records that it was asked (its name into
 * {@code asked}), then holds on until the test releases it: so a test decides when each run ends
 * and can watch who else is asked meanwhile.
 */
final class Holder implements Service {
    private final String name;
    private final BlockingQueue<String> asked;
    private final CountDownLatch release = new CountDownLatch(1);
    final CountDownLatch started = new CountDownLatch(1);
    volatile ServiceContext ctx;

    Holder(String name, BlockingQueue<String> asked) {
        this.name = name;
        this.asked = asked;
    }

    @Override
    public void serve(ServiceContext ctx) throws InterruptedException {
        this.ctx = ctx;
        started.countDown();
        ctx.awaitStop();
        asked.add(name);
        boolean released = false;
        while (!released) {
            try {
                release.await();
                released = true;
            } catch (InterruptedException stopInterrupt) {
                // the stop request's interrupt: keep holding until released
            }
        }
    }

    void release() {
        release.countDown();
    }

    boolean isStopping() {
        return ctx.isStopping();
    }
}
