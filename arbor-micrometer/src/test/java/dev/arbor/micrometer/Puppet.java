package dev.arbor.micrometer;

import dev.arbor.Service;
import dev.arbor.ServiceContext;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/** A service the test drives: each run waits until the test says how it ends; a stop ends it at once. */
final class Puppet implements Service {
    private final LinkedBlockingQueue<Exception> orders = new LinkedBlockingQueue<>();
    private final AtomicInteger runs = new AtomicInteger();

    @Override
    public void serve(ServiceContext ctx) throws Exception {
        runs.incrementAndGet();
        throw orders.take();
    }

    /** The current (or next) run throws {@code e}. */
    void fail(Exception e) {
        orders.add(e);
    }

    int runs() {
        return runs.get();
    }
}
