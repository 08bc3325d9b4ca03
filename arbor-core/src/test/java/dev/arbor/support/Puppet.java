package dev.arbor.support;

import dev.arbor.Service;
import dev.arbor.ServiceContext;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A service that a test drives: each run blocks until the test tells it how to end, so every
 * failure happens at the instant (of a {@code ManualClock}) that the test chooses. A stop request
 * interrupts the wait, so the run ends promptly as stopped.
 *
 * <p>Give an order only after the run that should obey it has started (its {@code ServiceStarted}
 * was seen): an order given while no run is alive is obeyed by the next run.
 */
public final class Puppet implements Service {
    @FunctionalInterface
    private interface Ending {
        void end() throws Exception;
    }

    private final LinkedBlockingQueue<Ending> orders = new LinkedBlockingQueue<>();
    private final AtomicInteger runs = new AtomicInteger();

    @Override
    public void serve(ServiceContext ctx) throws Exception {
        runs.incrementAndGet();
        orders.take().end();
    }

    /** The current (or next) run throws {@code t}. */
    public void fail(Throwable t) {
        orders.add(() -> {
            if (t instanceof Exception e) {
                throw e;
            }
            if (t instanceof Error e) {
                throw e;
            }
            throw new AssertionError("not throwable by a service: " + t);
        });
    }

    /** The current (or next) run throws a fresh {@link IllegalStateException}. */
    public void fail() {
        fail(new IllegalStateException("puppet failure"));
    }

    /** The current (or next) run returns normally. */
    public void complete() {
        orders.add(() -> { });
    }

    /** How many runs have begun so far. */
    public int runs() {
        return runs.get();
    }
}
