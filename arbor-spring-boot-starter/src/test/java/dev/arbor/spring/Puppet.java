package dev.arbor.spring;

import dev.arbor.Service;
import dev.arbor.ServiceContext;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/** A service the test drives: each run waits until the test makes it fail; a stop ends it at once. */
final class Puppet implements Service {
    private final LinkedBlockingQueue<Exception> orders = new LinkedBlockingQueue<>();
    private final AtomicInteger runs = new AtomicInteger();

    @Override
    public void serve(ServiceContext ctx) throws Exception {
        runs.incrementAndGet();
        throw orders.take();
    }

    void fail(Exception e) {
        orders.add(e);
    }

    int runs() {
        return runs.get();
    }
}
