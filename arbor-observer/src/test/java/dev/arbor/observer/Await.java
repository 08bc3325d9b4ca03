package dev.arbor.observer;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waits for what another thread (or process) makes true; the bound only turns a hang into a failure. */
final class Await {
    static final Duration BOUND = Duration.ofSeconds(10);

    private Await() {
    }

    static void until(String what, BooleanSupplier condition) {
        until(what, BOUND, condition);
    }

    /** Returns once condition holds; fails naming {@code what} after {@code bound}. */
    static void until(String what, Duration bound, BooleanSupplier condition) {
        long deadline = System.nanoTime() + bound.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("not within " + bound + ": " + what);
            }
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for: " + what, e);
            }
        }
    }
}
