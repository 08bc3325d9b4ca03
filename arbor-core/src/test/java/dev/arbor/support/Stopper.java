package dev.arbor.support;

import dev.arbor.Supervisor;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Stops supervisors after a test, bounded: a supervisor that a failed test left wedged makes the
 * clean-up fail after {@link Eventually#BOUND} instead of hanging the build.
 */
public final class Stopper {
    private Stopper() {
    }

    public static void stop(Supervisor... supervisors) throws Exception {
        for (Supervisor s : supervisors) {
            if (s == null) {
                continue;
            }
            CompletableFuture<Void> stopped = new CompletableFuture<>();
            Thread.ofVirtual().name("test-stop-" + s.name()).start(() -> {
                try {
                    s.stop();
                    stopped.complete(null);
                } catch (Throwable t) {
                    stopped.completeExceptionally(t);
                }
            });
            try {
                stopped.get(Eventually.BOUND.toSeconds(), TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                throw new AssertionError("stop() of " + s + " did not return within " + Eventually.BOUND, e);
            }
        }
    }
}
