package dev.arbor.stress;

import dev.arbor.ChildInfo;
import dev.arbor.Service;
import dev.arbor.StopReport;
import dev.arbor.Supervisor;
import dev.arbor.testing.ManualClock;

import java.util.concurrent.atomic.AtomicInteger;

/** Helpers shared by the stress tests. */
final class Stress {
    private Stress() {
    }

    /**
     * A supervisor on a clock nobody advances (no shutdown timeout ever fires; every child here
     * ends when asked), with a silent listener.
     */
    static Supervisor.Builder quiet(String name) {
        return Supervisor.builder(name).clock(new ManualClock()).onEvent(e -> { }).failureThreshold(1_000_000);
    }

    /** A service that waits for its stop, counting its live runs in {@code live}. */
    static Service awaitingStop(AtomicInteger live) {
        return ctx -> {
            live.incrementAndGet();
            try {
                ctx.awaitStop();
            } finally {
                live.decrementAndGet();
            }
        };
    }

    static StopReport stop(Supervisor sup) {
        try {
            return sup.stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static ChildInfo child(Supervisor sup, String name) {
        for (ChildInfo c : sup.children()) {
            if (c.name().equals(name)) {
                return c;
            }
        }
        return null;
    }
}
