package dev.arbor;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;

/**
 * The {@link ServiceContext} of one leaf run. Its stop signal is independent of the supervisor's
 * lock, so a service can poll it freely.
 */
final class RunContext implements ServiceContext {
    private static final System.Logger LOG = System.getLogger("dev.arbor");

    final Supervisor owner;
    private final String name;
    private final int restarts;
    private final CountDownLatch stopLatch = new CountDownLatch(1);
    private final Object actionsLock = new Object();   // held only to hand over the list, never while running actions
    private List<Runnable> actions;
    private volatile boolean stopping;

    RunContext(Supervisor owner, String name, int restarts) {
        this.owner = owner;
        this.name = name;
        this.restarts = restarts;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean isStopping() {
        return stopping;
    }

    @Override
    public void awaitStop() throws InterruptedException {
        if (stopping) {
            return;
        }
        try {
            stopLatch.await();
        } catch (InterruptedException e) {
            if (!stopping) {
                throw e;
            }
            Thread.currentThread().interrupt(); // the stop request's interrupt: keep it visible
        }
    }

    @Override
    public void onStop(Runnable action) {
        Objects.requireNonNull(action, "onStop action must not be null");
        synchronized (actionsLock) {
            if (!stopping) {
                if (actions == null) {
                    actions = new ArrayList<>(2);
                }
                actions.add(action);
                return;
            }
        }
        runQuietly(action);
    }

    @Override
    public int restarts() {
        return restarts;
    }

    /**
     * Sets the stop flag, starts the onStop actions on a virtual thread of their own (so one that
     * blocks stalls nobody), interrupts the run's thread, then releases {@link #awaitStop()}:
     * the interrupt comes first so that awaitStop always returns with the interrupt status set.
     */
    void requestStop(Thread runThread) {
        List<Runnable> toRun;
        synchronized (actionsLock) {
            stopping = true;
            toRun = actions;
            actions = null;
        }
        if (toRun != null) {
            Thread.ofVirtual().name(owner.name() + "/" + name + "/onStop").start(() -> toRun.forEach(RunContext::runQuietly));
        }
        runThread.interrupt();
        stopLatch.countDown();
    }

    private static void runQuietly(Runnable action) {
        try {
            action.run();
        } catch (Throwable t) {
            LOG.log(System.Logger.Level.WARNING, "onStop action threw", t);
        }
    }
}
