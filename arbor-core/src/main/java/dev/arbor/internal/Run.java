package dev.arbor.internal;

import dev.arbor.ServiceContext;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;

/**
 * One run of one child: a thread serving a leaf service, or a run of a child supervisor (which
 * has no thread of its own). For a leaf run it is also the {@link ServiceContext} the service
 * sees, one object per run, since an idle child's footprint is what 100,000 children multiply.
 *
 * <p>Fields marked "lock" are guarded by the owning supervisor's lock. The stop signal
 * ({@code stopRequested}, onStop actions, waiters) is lock-free, so a service can poll it freely
 * and nothing a service does with its context can block the supervisor.
 */
final class Run implements ServiceContext, Runnable {
    private static final System.Logger LOG = System.getLogger("dev.arbor");
    private static final VarHandle ACTIONS;
    private static final VarHandle LATCH;
    private static final VarHandle CLAIMED;
    /** The value of {@code actions} once the stop was requested: later actions run at once. */
    private static final Object STOPPED = new Object();

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            ACTIONS = lookup.findVarHandle(Run.class, "actions", Object.class);
            LATCH = lookup.findVarHandle(Run.class, "foreignWaiters", CountDownLatch.class);
            CLAIMED = lookup.findVarHandle(Run.class, "claimed", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final Child child;
    final int restarts;
    Thread thread;                // leaf runs only; set before the thread starts
    Run nextEnded;                // link in the supervisor's stack of ended runs (no node allocated)

    volatile boolean stopRequested;
    boolean ended;                // lock
    boolean abandoned;            // lock: its stop timed out; kept only for StopReports
    Deadline deadline;            // lock: the timer waiting for it after its stop request
    Throwable endThrown;          // what the run threw; handed from its thread to the supervisor
    @SuppressWarnings("unused")   // via CLAIMED: run() entered, or the supervisor gave up on the run
    private volatile boolean claimed;

    @SuppressWarnings("unused")   // via ACTIONS: null, a Runnable, a List<Runnable>, or STOPPED
    private volatile Object actions;
    @SuppressWarnings("unused")   // via LATCH: made only if a thread other than the run's own waits
    private volatile CountDownLatch foreignWaiters;

    Run(Child child, int restarts) {
        this.child = child;
        this.restarts = restarts;
    }

    /**
     * The child supervisor this run runs, or null for a leaf run. Derived, not stored: a supervisor
     * added as a child is always run as one (an idle child's footprint is multiplied by 100,000).
     */
    SupervisorCore sub() {
        return SupervisorCore.subOf(child);
    }

    /**
     * The body of a leaf run's thread (the Run is the thread's Runnable: no extra lambda and one
     * stack frame less for each parked child). Serves once, then hands the end to the supervisor.
     */
    @Override
    public void run() {
        if (!claim()) {
            throw new IllegalStateException("service run " + child
                    + " was already served, or given up by its supervisor (its thread could not start)");
        }
        Throwable thrown = null;
        try {
            child.service().serve(this);
        } catch (Throwable t) {
            thrown = t;
        }
        endThrown = thrown;
        child.owner.leafRunEnded(this);
    }

    /**
     * Claims the run: true exactly once, for {@link #run()} entering the body, or for the supervisor
     * giving up on a run whose thread cannot run it (its start failed, or the thread factory's
     * thread ended without calling its Runnable). The loser never serves, or never reports the end.
     */
    boolean claim() {
        return CLAIMED.compareAndSet(this, false, true);
    }

    /** Whether the body was entered or the run given up: once true, its thread is no proof of life. */
    boolean claimed() {
        return claimed;
    }

    // ---------------------------------------------------------------- ServiceContext

    @Override
    public String name() {
        return child.name();
    }

    @Override
    public boolean isStopping() {
        return stopRequested;
    }

    @Override
    public int restarts() {
        return restarts;
    }

    /** Only a child whose spec awaits ready tells its supervisor, which ignores all but the awaited run's first. */
    @Override
    public void ready() {
        if (child.options().startTimeout() != null) {
            child.owner.runReady(this);
        }
    }

    /**
     * The run's own thread parks until the stop request's interrupt; any other thread waits on a
     * latch made on first use. The stop request sets the flag before it interrupts and before it
     * reads the latch, so no waiter can miss it.
     */
    @Override
    public void awaitStop() throws InterruptedException {
        if (Thread.currentThread() != thread) {
            awaitStopFromAnotherThread();
            return;
        }
        Thread self = Thread.currentThread();
        while (!stopRequested) {
            java.util.concurrent.locks.LockSupport.park(this);
            // The stop request sets the flag before it interrupts: an interrupt seen with the flag
            // still clear is someone else's. Only then is the status cleared, as the exception says.
            if (!stopRequested && self.isInterrupted()) {
                Thread.interrupted();
                throw new InterruptedException();
            }
        }
        if (!self.isInterrupted()) {
            self.interrupt();   // the flag was seen before the stop request's interrupt landed
        }
    }

    private void awaitStopFromAnotherThread() throws InterruptedException {
        CountDownLatch latch = foreignWaiters;
        if (latch == null) {
            CountDownLatch made = new CountDownLatch(1);
            latch = (CountDownLatch) LATCH.compareAndExchange(this, null, made);
            latch = latch == null ? made : latch;
        }
        if (stopRequested) {
            return;
        }
        try {
            latch.await();
        } catch (InterruptedException e) {
            if (!stopRequested) {
                throw e;
            }
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void onStop(Runnable action) {
        Objects.requireNonNull(action, "onStop action must not be null");
        while (true) {
            Object current = actions;
            if (current == STOPPED) {
                runQuietly(action);    // on the caller's thread, never under a supervisor's lock
                return;
            }
            if (ACTIONS.compareAndSet(this, current, withAction(current, action))) {
                return;
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static Object withAction(Object current, Runnable action) {
        if (current == null) {
            return action;
        }
        List<Runnable> list = new ArrayList<>();
        if (current instanceof Runnable single) {
            list.add(single);
        } else {
            list.addAll((List<Runnable>) current);
        }
        list.add(action);
        return list;
    }

    /**
     * Asks a leaf run to stop: sets the flag and releases waiters on other threads. Returns the
     * onStop actions, which the caller starts after releasing its lock ({@link #startOnStopActions}),
     * before the interrupt ({@link #interruptThread}). Called under the supervisor's lock; never
     * blocks, never starts a thread.
     */
    @SuppressWarnings("unchecked")
    List<Runnable> requestStop() {
        stopRequested = true;
        Object registered = ACTIONS.getAndSet(this, STOPPED);
        List<Runnable> toRun = registered == null ? null
                : registered instanceof Runnable single ? List.of(single) : (List<Runnable>) registered;
        CountDownLatch latch = foreignWaiters;
        if (latch != null) {
            latch.countDown();
        }
        return toRun;
    }

    /**
     * Runs onStop actions in order on a virtual thread of their own: one that blocks stalls nobody,
     * and its time counts against the shutdown timeout. Called from an outbox, outside every lock.
     */
    void startOnStopActions(List<Runnable> toRun) {
        try {
            Thread.ofVirtual().name(child.owner.name() + "/" + child.name() + "/onStop")
                    .start(() -> toRun.forEach(this::runQuietly));
        } catch (Throwable t) {            // no thread for them: an OutOfMemoryError, in practice
            failed("the onStop actions' thread could not start; " + toRun.size() + " action(s) not run", t);
        }
    }

    /**
     * The last step of a stop request: wakes the run's thread wherever it blocks. Called outside
     * every lock. A thread made by a thread factory may be a subclass whose {@code interrupt} is
     * user code: what it throws must not keep the next runs from being interrupted.
     */
    void interruptThread() {
        try {
            thread.interrupt();
        } catch (Throwable t) {
            failed("the thread of " + child + " threw from interrupt(); its stop request stands", t);
        }
    }

    /**
     * An onStop action is user code: what it throws is logged and the next action runs, except a
     * fatal JVM error, which terminates the supervisor as a run's would (after a stop request).
     */
    private void runQuietly(Runnable action) {
        try {
            action.run();
        } catch (Throwable t) {
            failed("onStop action of " + child + " threw", t);
        }
    }

    /**
     * Logs a fault of user code around this run. A fatal JVM error is not logged here: it goes to
     * the supervisor, which terminates with it (its SupervisorTerminated reports it).
     */
    private void failed(String what, Throwable t) {
        if (Outcome.isFatal(t)) {
            child.owner.fatalOutsideRuns(t);
        } else {
            LOG.log(System.Logger.Level.WARNING, what, t);
        }
    }
}
