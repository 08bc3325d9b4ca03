package dev.arbor.hardening;

import dev.arbor.Cancellable;
import dev.arbor.SupervisorClock;
import dev.arbor.testing.ManualClock;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/** Misbehaving user code for the hardening tests: throwables of each kind, and a clock with switches. */
final class Faults {
    private Faults() {
    }

    /** Throws any throwable from a method that declares none: user code may, through generics. */
    @SuppressWarnings("unchecked")
    static <T extends Throwable> RuntimeException sneaky(Throwable t) throws T {
        throw (T) t;
    }

    /** An ordinary RuntimeException. */
    static Supplier<Throwable> runtime() {
        return named(() -> new IllegalStateException("injected runtime fault"), "RuntimeException");
    }

    /** A non-fatal Error: the jitter bug. */
    static Supplier<Throwable> assertion() {
        return named(() -> new AssertionError("injected assertion"), "AssertionError");
    }

    /** A fatal JVM error. */
    static Supplier<Throwable> oom() {
        return named(() -> new OutOfMemoryError("injected OutOfMemoryError"), "OutOfMemoryError");
    }

    static Supplier<Throwable> named(Supplier<Throwable> s, String name) {
        return new Supplier<>() {
            @Override
            public Throwable get() {
                return s.get();
            }

            @Override
            public String toString() {
                return name;
            }
        };
    }

    /**
     * A {@link ManualClock} whose calls misbehave when told: each fault is armed once and fires on
     * the next call of its kind.
     */
    static final class FaultyClock implements SupervisorClock {
        final ManualClock time = new ManualClock();
        final AtomicReference<Throwable> nextScheduleThrows = new AtomicReference<>();
        final AtomicReference<Throwable> nextCancelThrows = new AtomicReference<>();
        final AtomicReference<Throwable> nextNanoTimeThrows = new AtomicReference<>();
        volatile boolean scheduleReturnsNull;
        volatile boolean scheduleRunsInline;
        volatile long offsetNanos;           // added to every reading: negative goes back in time

        @Override
        public long nanoTime() {
            Throwable t = nextNanoTimeThrows.getAndSet(null);
            if (t != null) {
                throw sneaky(t);
            }
            return time.nanoTime() + offsetNanos;
        }

        @Override
        public Cancellable schedule(Duration delay, Runnable task) {
            Throwable t = nextScheduleThrows.getAndSet(null);
            if (t != null) {
                throw sneaky(t);
            }
            if (scheduleRunsInline) {         // runs this task and every due one, in the caller's thread
                task.run();
                time.advance(Duration.ZERO);
                return () -> { };
            }
            Cancellable real = time.schedule(delay, task);
            if (scheduleReturnsNull) {
                return null;
            }
            return () -> {
                Throwable c = nextCancelThrows.getAndSet(null);
                if (c != null) {
                    throw sneaky(c);
                }
                real.cancel();
            };
        }

        void advance(Duration d) {
            time.advance(d);
        }
    }
}
