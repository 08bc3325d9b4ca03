package dev.arbor.soak;

import dev.arbor.DoNotRestartException;
import dev.arbor.Service;
import dev.arbor.ServiceContext;
import dev.arbor.TerminateTreeException;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A leaf service whose every run draws one {@link Fault} from its own seeded random sequence
 * (so a seed replays the same sequence per child, whatever the interleaving).
 */
final class FaultyService implements Service {
    /** How a child behaves over its runs. */
    enum Kind {
        /** Mostly short runs that fail in every way: the source of restarts. */
        FLAKY,
        /** Mostly long runs that misbehave when stopped. */
        STEADY,
        /** Waits for spin storms and spins through them. */
        SPINNER,
        /** Long mode: fails at once, every run, in the ordinary ways (the source of a million restarts). */
        CHURN
    }

    private final SoakRun soak;
    private final Kind kind;
    private final long shutdownTimeoutNanos;
    private final SplittableRandom rng;
    private final boolean terminateTreeAllowed;

    FaultyService(SoakRun soak, Kind kind, long shutdownTimeoutNanos, long seed, boolean terminateTreeAllowed) {
        this.soak = soak;
        this.kind = kind;
        this.shutdownTimeoutNanos = shutdownTimeoutNanos;
        this.rng = new SplittableRandom(seed);
        this.terminateTreeAllowed = terminateTreeAllowed;
    }

    private synchronized SplittableRandom nextRandom() {
        return rng.split();
    }

    @Override
    public void serve(ServiceContext ctx) throws Exception {
        soak.threads.name(ctx.name());
        if (kind == Kind.CHURN && soak.quiescent) {
            soak.resume.await();      // long mode measures the heap at rest; a stop interrupts this
        }
        SplittableRandom r = nextRandom();
        Fault fault = kind == Kind.SPINNER ? Fault.SPIN : soak.drawFault(kind, r, terminateTreeAllowed);
        soak.stats.fault(fault);
        switch (fault) {
            case EXCEPTION -> {
                shortWork(ctx, r);
                throw switch (r.nextInt(3)) {
                    case 0 -> new IllegalStateException("injected");
                    case 1 -> new java.io.IOException("injected");
                    default -> new RuntimeException("injected", new IllegalArgumentException("cause"));
                };
            }
            case ERROR -> {
                shortWork(ctx, r);
                throw r.nextBoolean() ? new AssertionError("injected") : new LinkageError("injected");
            }
            case STACK_OVERFLOW -> {
                shortWork(ctx, r);
                recurse(0);
            }
            case RETURN -> shortWork(ctx, r);
            case INTERRUPTED_WITHOUT_STOP -> {
                shortWork(ctx, r);
                if (r.nextBoolean()) {
                    throw new InterruptedException("injected, no stop requested");
                }
                Thread.currentThread().interrupt();
                Thread.sleep(1000);     // throws at once: the thread is interrupted
            }
            case DO_NOT_RESTART -> {
                shortWork(ctx, r);
                throw r.nextBoolean() ? new DoNotRestartException("injected")
                        : new IllegalStateException("wrapped", new DoNotRestartException("injected"));
            }
            case TERMINATE_TREE -> {
                shortWork(ctx, r);
                throw r.nextBoolean() ? new TerminateTreeException("injected")
                        : new IllegalStateException("wrapped", new TerminateTreeException("injected"));
            }
            case AWAIT_STOP -> awaitStop(ctx, r);
            case STOP_SLOWLY -> {
                awaitStop(ctx, r);
                long slow = shutdownTimeoutNanos == 0 ? r.nextLong(2_000_000) : r.nextLong(2 * shutdownTimeoutNanos + 1);
                parkIgnoringInterrupts(slow);
            }
            case THROWING_ON_STOP -> {
                ctx.onStop(() -> {
                    throw new IllegalStateException("injected onStop failure");
                });
                awaitStop(ctx, r);
            }
            case BLOCKING_ON_STOP -> {
                long block = r.nextLong(2 * Math.max(shutdownTimeoutNanos, 1_000_000) + 1);
                ctx.onStop(() -> parkIgnoringInterrupts(block));
                awaitStop(ctx, r);
            }
            case IGNORE_INTERRUPTS_FOREVER -> {
                while (true) {
                    try {
                        soak.release.await();
                        return;
                    } catch (InterruptedException ignored) {
                        // ignoring interrupts is the fault
                    }
                }
            }
            case SPIN -> soak.storms.serveSpinner(ctx);
        }
    }

    /**
     * Waits for the stop request. A FLAKY child waits at most a few milliseconds, then fails (or
     * returns) if no stop came, so that it keeps producing restarts; a STEADY one waits for good.
     */
    private void awaitStop(ServiceContext ctx, SplittableRandom r) throws Exception {
        if (kind != Kind.FLAKY) {
            ctx.awaitStop();
            return;
        }
        long deadline = System.nanoTime() + r.nextLong(20_000_000);
        while (!ctx.isStopping()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                if (r.nextBoolean()) {
                    throw new IllegalStateException("injected: gave up waiting");
                }
                return;
            }
            Thread.sleep(Math.max(1, left / 1_000_000));   // a stop interrupts it: the run then ends as stopped
        }
    }

    /** A little work before failing: none, a spin, or a sleep that a stop interrupts. */
    private void shortWork(ServiceContext ctx, SplittableRandom r) throws InterruptedException {
        if (kind == Kind.CHURN) {
            return;
        }
        switch (r.nextInt(4)) {
            case 0 -> { }
            case 1 -> Thread.onSpinWait();
            case 2 -> Thread.sleep(0, r.nextInt(500_000));
            default -> TimeUnit.MICROSECONDS.sleep(r.nextInt(3_000));
        }
    }

    private static int recurse(int depth) {
        return recurse(depth + 1) + 1;
    }

    private static void parkIgnoringInterrupts(long nanos) {
        long deadline = System.nanoTime() + nanos;
        long left;
        while ((left = deadline - System.nanoTime()) > 0) {
            LockSupport.parkNanos(left);
            Thread.interrupted();
        }
    }
}
