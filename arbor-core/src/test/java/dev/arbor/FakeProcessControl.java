package dev.arbor;

import dev.arbor.internal.ProcessControl;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A JVM that does not end: records the status given to exit or halt, and plays a signal by
 * starting the registered shutdown hook, as the JVM does when its shutdown begins.
 */
final class FakeProcessControl implements ProcessControl {
    final CompletableFuture<Thread> hook = new CompletableFuture<>();
    final CompletableFuture<Integer> exited = new CompletableFuture<>();
    final CompletableFuture<Integer> halted = new CompletableFuture<>();
    private volatile boolean shuttingDown;
    private volatile boolean removed;
    /** Runs inside removeShutdownHook, before the check: lets a test play a signal at that moment. */
    volatile Runnable beforeRemove = () -> { };

    @Override
    public void addShutdownHook(Thread h) {
        hook.complete(h);
    }

    @Override
    public void removeShutdownHook(Thread h) {
        beforeRemove.run();
        if (shuttingDown) {
            throw new IllegalStateException("Shutdown in progress");
        }
        removed = true;
    }

    @Override
    public void exit(int status) {
        exited.complete(status);
    }

    @Override
    public void halt(int status) {
        halted.complete(status);
    }

    /** Begins the JVM's shutdown: the hook (if still registered) starts on its own thread. */
    void signal() throws Exception {
        shuttingDown = true;
        Thread h = hook.get(10, TimeUnit.SECONDS);
        if (!removed) {
            h.start();
        }
    }

    boolean hookRemoved() {
        return removed;
    }

    Thread hookThread() throws Exception {
        return hook.get(10, TimeUnit.SECONDS);
    }
}
