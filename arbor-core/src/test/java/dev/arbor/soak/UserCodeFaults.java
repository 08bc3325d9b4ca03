package dev.arbor.soak;

import dev.arbor.Jitter;

import java.time.Duration;
import java.util.SplittableRandom;

/**
 * Issue 8's faults of the user code a supervisor calls under its lock, for one supervisor of a
 * soak run: its jitter, its thread factory and its clock misbehave now and then. Every draw is
 * made under that supervisor's lock (the engine calls all three there), so one seeded random per
 * supervisor is used by one thread at a time.
 *
 * <p>What each fault does is docs/RELIABILITY.md's table: the jitter's faults fall back to the base
 * delay (still inside the jitter's range, which the checker verifies); a factory or clock that
 * cannot do its job terminates the supervisor, so those are drawn only below the root (the root
 * would end the run early); fatal JVM errors, which end the whole tree, only in the rare runs that
 * allow them.
 */
final class UserCodeFaults {
    /** How often one call misbehaves. */
    private static final double RATE = 0.02;

    private final Stats stats;
    private final SplittableRandom r;
    private final boolean mayTerminate;
    private final boolean fatalAllowed;
    private volatile boolean off;

    UserCodeFaults(Stats stats, long seed, boolean mayTerminate, boolean fatalAllowed) {
        this.stats = stats;
        this.r = new SplittableRandom(seed);
        this.mayTerminate = mayTerminate;
        this.fatalAllowed = fatalAllowed;
    }

    /** No more faults (the harness's own reads after the stop must not fail). */
    void off() {
        off = true;
    }

    private boolean strike() {
        return !off && r.nextDouble() < RATE;
    }

    /** A rare fatal error instead of the fault drawn, in runs that allow them. */
    private boolean fatal() {
        return fatalAllowed && r.nextInt(5) == 0;
    }

    void count(String what) {
        stats.userCodeFault(what);
    }

    /** The jitter, with faults: throws an ordinary throwable, returns null or a negative delay. */
    Jitter jitter(Jitter real) {
        return base -> {
            if (!strike()) {
                return real.apply(base);
            }
            if (fatal()) {
                count("jitter: OutOfMemoryError");
                throw new OutOfMemoryError("injected in the jitter");
            }
            switch (r.nextInt(5)) {
                case 0 -> {
                    count("jitter: RuntimeException");
                    throw new IllegalStateException("injected jitter bug");
                }
                case 1 -> {
                    count("jitter: AssertionError");
                    throw new AssertionError("injected jitter bug");
                }
                case 2 -> {
                    count("jitter: StackOverflowError");
                    throw new StackOverflowError("injected jitter bug");
                }
                case 3 -> {
                    count("jitter: null");
                    return null;
                }
                default -> {
                    count("jitter: negative");
                    return Duration.ofMillis(-1);
                }
            }
        };
    }

    /** What the thread factory does for one thread. */
    enum ThreadFault { NONE, THROW, FATAL, NULL, STARTED, PLATFORM, START_THROWS, NEVER_RUNS }

    ThreadFault threadFault() {
        if (!strike()) {
            return ThreadFault.NONE;
        }
        if (fatal()) {
            return ThreadFault.FATAL;
        }
        int x = r.nextInt(mayTerminate ? 6 : 3);
        return switch (x) {
            case 0 -> ThreadFault.PLATFORM;
            case 1 -> ThreadFault.START_THROWS;
            case 2 -> ThreadFault.NEVER_RUNS;
            case 3 -> ThreadFault.THROW;
            case 4 -> ThreadFault.NULL;
            default -> ThreadFault.STARTED;
        };
    }

    /** What the clock does for one call. */
    enum ClockFault { NONE, THROW, FATAL, NULL_HANDLE, INLINE, CANCEL_THROWS, BACKWARDS }

    ClockFault readFault() {
        if (!strike()) {
            return ClockFault.NONE;
        }
        if (fatal()) {
            return ClockFault.FATAL;
        }
        return mayTerminate && r.nextBoolean() ? ClockFault.THROW : ClockFault.BACKWARDS;
    }

    /** How far back a backwards reading goes. */
    long backwardsNanos() {
        return 1 + r.nextLong(50_000_000L);
    }

    ClockFault scheduleFault() {
        if (!strike()) {
            return ClockFault.NONE;
        }
        if (fatal()) {
            return ClockFault.FATAL;
        }
        return switch (r.nextInt(mayTerminate ? 4 : 3)) {
            case 0 -> ClockFault.NULL_HANDLE;
            case 1 -> ClockFault.INLINE;
            case 2 -> ClockFault.CANCEL_THROWS;
            default -> ClockFault.THROW;
        };
    }
}
