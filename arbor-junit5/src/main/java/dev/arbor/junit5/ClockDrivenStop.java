package dev.arbor.junit5;

import dev.arbor.StopReport;
import dev.arbor.Supervisor;
import dev.arbor.testing.ManualClock;
import org.opentest4j.AssertionFailedError;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * Stops a supervisor whose waits are on a {@link ManualClock}: {@code stop()} waits for each
 * shutdown timeout on that clock, which moves only when told, so the stop runs on a thread of its
 * own while this one advances the clock whenever a timer is pending, until the stop returns or a
 * real-time limit passes.
 *
 * <p>Steps start at one second and double (up to a day), so a child that ignores its stop is
 * abandoned after a few steps whatever its shutdown timeout; moving the clock further than the
 * timeouts changes nothing a test can observe, since the test body has finished.
 */
final class ClockDrivenStop {
    private static final Duration FIRST_STEP = Duration.ofSeconds(1);
    private static final Duration LARGEST_STEP = Duration.ofDays(1);
    private static final long POLL_MICROS = 500;

    private final Supervisor supervisor;
    private final ManualClock clock;
    private Duration advanced = Duration.ZERO;

    ClockDrivenStop(Supervisor supervisor, ManualClock clock) {
        this.supervisor = supervisor;
        this.clock = clock;
    }

    /** How far this stop moved the clock. */
    Duration advanced() {
        return advanced;
    }

    /**
     * Stops the supervisor, advancing the clock as needed, for at most {@code limit} of real time.
     *
     * @throws AssertionFailedError if stop() has not returned within the limit, or threw
     */
    StopReport stop(Duration limit) throws InterruptedException {
        CompletableFuture<StopReport> report = new CompletableFuture<>();
        // A platform thread: children that spin on every carrier must not keep the stop from running.
        Thread stopper = Thread.ofPlatform().daemon().name("arbor-junit5 stop of " + supervisor.name())
                .start(() -> {
                    try {
                        report.complete(supervisor.stop());
                    } catch (Throwable t) {
                        report.completeExceptionally(t);
                    }
                });
        long deadline = System.nanoTime() + limit.toNanos();
        Duration step = FIRST_STEP;
        while (true) {
            try {
                return report.get(POLL_MICROS, TimeUnit.MICROSECONDS);
            } catch (TimeoutException stillStopping) {
                if (System.nanoTime() - deadline > 0) {
                    throw stuck(stopper, limit);
                }
                if (clock.pendingTasks() > 0) {
                    clock.advance(step);
                    advanced = advanced.plus(step);
                    step = step.compareTo(LARGEST_STEP) < 0 ? step.multipliedBy(2) : LARGEST_STEP;
                }
            } catch (ExecutionException e) {
                throw new AssertionFailedError("stop() of supervisor \"" + supervisor.name() + "\" threw "
                        + e.getCause(), e.getCause());
            }
        }
    }

    private AssertionFailedError stuck(Thread stopper, Duration limit) {
        String stack = Arrays.stream(stopper.getStackTrace()).map(frame -> "\n    at " + frame)
                .collect(Collectors.joining());
        return new AssertionFailedError("stop() of supervisor \"" + supervisor.name() + "\" did not return within "
                + limit + " of real time, although its ManualClock was advanced by " + advanced
                + " past its timers; the thread \"" + stopper.getName() + "\" is left waiting in it:" + stack);
    }
}
