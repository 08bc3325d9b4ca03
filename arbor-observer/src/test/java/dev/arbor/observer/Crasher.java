package dev.arbor.observer;

import dev.arbor.Service;
import dev.arbor.ServiceContext;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A service that runs until the test makes it crash: each run blocks until {@link #crash} hands it
 * the exception to throw. A stop request interrupts the wait, so the run ends as stopped.
 */
final class Crasher implements Service {
    private final LinkedBlockingQueue<RuntimeException> crashes = new LinkedBlockingQueue<>();
    private final AtomicInteger runs = new AtomicInteger();

    @Override
    public void serve(ServiceContext ctx) throws Exception {
        runs.incrementAndGet();
        throw crashes.take();
    }

    /** The current (or next) run throws an {@link IllegalStateException} with this message. */
    void crash(String message) {
        crashes.add(new IllegalStateException(message));
    }

    /** Runs begun so far. */
    int runs() {
        return runs.get();
    }
}
