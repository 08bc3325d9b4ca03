package dev.arbor.functional;

import dev.arbor.Service;
import dev.arbor.ServiceContext;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A service whose runs the test drives, for ready-signal tests: each run hands its context to the
 * test ({@link #nextRun}), so the test can call {@code ready()} on it, then blocks until the test
 * says how it ends or a stop request interrupts it.
 */
final class Awaiting implements Service {
    private final LinkedBlockingQueue<ServiceContext> runs = new LinkedBlockingQueue<>();
    private final LinkedBlockingQueue<Object> endings = new LinkedBlockingQueue<>();
    private static final Object RETURN = new Object();

    @Override
    public void serve(ServiceContext ctx) throws Exception {
        runs.add(ctx);
        Object ending = endings.take();
        if (ending instanceof Exception e) {
            throw e;
        }
    }

    /** The context of the next run that began, waiting for it up to the bound. */
    ServiceContext nextRun() throws InterruptedException {
        ServiceContext ctx = runs.poll(Bound.SECONDS, TimeUnit.SECONDS);
        if (ctx == null) {
            throw new AssertionError("no run began within " + Bound.BOUND);
        }
        return ctx;
    }

    void fail(Exception e) {
        endings.add(e);
    }

    void complete() {
        endings.add(RETURN);
    }
}
