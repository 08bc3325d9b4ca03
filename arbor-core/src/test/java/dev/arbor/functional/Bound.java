package dev.arbor.functional;

import dev.arbor.StopReport;
import dev.arbor.Supervisor;
import dev.arbor.testing.ManualClock;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/**
 * Real-time waits for tests, each only an upper bound ({@link #SECONDS} s): a test that passes
 * never waits for a bound to elapse, and one that fails fails with a message instead of hanging.
 */
final class Bound {
    static final long SECONDS = 10;
    static final Duration BOUND = Duration.ofSeconds(SECONDS);

    private Bound() {
    }

    /** Calls {@code stop()} on a new platform thread, so the test can move the clock meanwhile. */
    static CompletableFuture<StopReport> stopAsync(Supervisor supervisor) {
        return stopCall(supervisor).report();
    }

    /** A {@code stop()} running on its own platform thread. */
    record StopCall(Thread thread, CompletableFuture<StopReport> report) {
        /** Waits until the thread is parked (inside stop(), waiting for the children). */
        StopCall awaitParked() {
            until(thread.getName() + " parked", () -> thread.getState() == Thread.State.WAITING);
            return this;
        }
    }

    static StopCall stopCall(Supervisor supervisor) {
        CompletableFuture<StopReport> result = new CompletableFuture<>();
        Thread thread = Thread.ofPlatform().name("test-stop-" + supervisor.name()).start(() -> {
            try {
                result.complete(supervisor.stop());
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        });
        return new StopCall(thread, result);
    }

    /** The future's value, failing the test if it takes longer than the bound. */
    static <T> T get(Future<T> future) throws InterruptedException, ExecutionException {
        try {
            return future.get(SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("not done within " + BOUND, e);
        }
    }

    /** Polls until {@code condition} holds, failing the test after the bound. */
    static void until(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + BOUND.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("not within " + BOUND + ": " + what);
            }
            Thread.yield();
        }
    }

    /** Waits until the clock holds exactly {@code n} pending tasks (timers the supervisor scheduled). */
    static void pendingTasks(ManualClock clock, int n) {
        until(n + " pending clock tasks (now " + clock.pendingTasks() + ")", () -> clock.pendingTasks() == n);
    }

    /** The next element, failing the test if none arrives within the bound. */
    static <T> T take(BlockingQueue<T> queue) throws InterruptedException {
        T next = queue.poll(SECONDS, TimeUnit.SECONDS);
        if (next == null) {
            throw new AssertionError("nothing arrived within " + BOUND);
        }
        return next;
    }

    /** Waits for a thread to end, failing the test if it does not within the bound. */
    static void join(Thread thread) throws InterruptedException {
        if (!thread.join(BOUND)) {
            throw new AssertionError(thread + " still alive after " + BOUND);
        }
    }
}
