package dev.arbor.internal;

import dev.arbor.Cancellable;
import dev.arbor.SupervisorClock;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The real clock. Its timer is one daemon <em>platform</em> thread: virtual threads are not
 * preempted, so children spinning on every carrier must not be able to delay a backoff's end or
 * a shutdown timeout.
 */
public final class SystemClock implements SupervisorClock {
    /** The one instance, shared by every supervisor that uses the system clock. */
    public static final SystemClock INSTANCE = new SystemClock();

    private final ScheduledThreadPoolExecutor timer;

    private SystemClock() {
        timer = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "arbor-timer");
            thread.setDaemon(true);
            return thread;
        });
        timer.setRemoveOnCancelPolicy(true); // cancelled shutdown timeouts must not pile up
    }

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    @Override
    public Cancellable schedule(Duration delay, Runnable task) {
        ScheduledFuture<?> future = timer.schedule(() -> runQuietly(task), saturatedNanos(delay), TimeUnit.NANOSECONDS);
        return () -> future.cancel(false);
    }

    private static void runQuietly(Runnable task) {
        try {
            task.run();
        } catch (Throwable t) { // a failing task must not kill the shared timer thread
            System.getLogger("dev.arbor").log(System.Logger.Level.ERROR, "timer task failed", t);
        }
    }

    static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException overflow) {
            return Long.MAX_VALUE;
        }
    }
}
