package dev.arbor.junit5;

import dev.arbor.StopReport;
import dev.arbor.Supervisor;
import dev.arbor.testing.ManualClock;
import org.opentest4j.AssertionFailedError;

import java.time.Duration;
import java.util.Arrays;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * Stops a supervisor whose waits are on a {@link ManualClock}: {@code stop()} waits for each
 * shutdown timeout on that clock, which moves only when told, so the stop runs on a thread of its
 * own while this one advances the clock, until the stop returns or a real-time limit passes.
 *
 * <p><b>When</b> to advance: a child asked to stop needs real time to react (its thread must be
 * scheduled to see the interrupt), and advancing at once would abandon children that were about to
 * stop. So the clock moves only when a timer is pending and the tree has been quiet (no stop
 * returned, no event recorded) for the grace period since the last advance that fired something.
 * <b>How far</b>: exactly to the supervisor's next timer ({@link TrackingClock}), so that the
 * deadline of the next child in a REVERSE stop, scheduled when the previous one fires, is not passed
 * in the same advance. Timers the supervisor did not schedule (a child supervisor built on the
 * ManualClock itself) are reached by steps that start at one second and double while an advance
 * changes nothing.
 */
final class ClockDrivenStop {
    private static final Duration FIRST_BLIND_STEP = Duration.ofSeconds(1);
    private static final Duration LARGEST_BLIND_STEP = Duration.ofDays(1);
    private static final long POLL_MICROS = 500;

    private final Supervisor supervisor;
    private final ManualClock clock;
    private final TrackingClock timers;
    private final EventRecorder events;
    private final long startNanos;

    ClockDrivenStop(Supervisor supervisor, ManualClock clock, TrackingClock timers, EventRecorder events) {
        this.supervisor = supervisor;
        this.clock = clock;
        this.timers = timers;
        this.events = events;
        this.startNanos = clock.nanoTime();
    }

    /** How far the clock moved since this stop began. */
    Duration advanced() {
        return Duration.ofNanos(clock.nanoTime() - startNanos);
    }

    /**
     * Stops the supervisor, advancing the clock as needed, for at most {@code limit} of real time.
     *
     * @param grace how long the tree must be quiet, in real time, before the clock is advanced
     * @throws AssertionFailedError if stop() has not returned within the limit, or threw
     */
    StopReport stop(Duration limit, Duration grace) throws InterruptedException {
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
        long start = System.nanoTime();
        long quietSince = start;
        int eventsSeen = events.size();
        Progress afterIdleAdvance = null;   // set when the last advance changed nothing
        Duration blindStep = FIRST_BLIND_STEP;
        while (true) {
            try {
                return report.get(POLL_MICROS, TimeUnit.MICROSECONDS);
            } catch (TimeoutException stillStopping) {
                long now = System.nanoTime();
                if (now - start > limit.toNanos()) {
                    throw stuck(stopper, limit);
                }
                int eventsNow = events.size();
                if (eventsNow != eventsSeen) {
                    eventsSeen = eventsNow;
                    quietSince = now;
                }
                boolean idleAdvance = afterIdleAdvance != null && afterIdleAdvance.equals(progress());
                if (clock.pendingTasks() > 0 && (idleAdvance || now - quietSince >= grace.toNanos())) {
                    Progress before = progress();
                    OptionalLong due = timers.nextDue();
                    if (due.isPresent()) {
                        clock.advance(Duration.ofNanos(Math.max(0, due.getAsLong() - clock.nanoTime())));
                        blindStep = FIRST_BLIND_STEP;
                    } else {
                        clock.advance(blindStep);
                        blindStep = idleAdvance && blindStep.compareTo(LARGEST_BLIND_STEP) < 0
                                ? blindStep.multipliedBy(2) : blindStep;
                    }
                    Progress after = progress();
                    afterIdleAdvance = after.equals(before) ? after : null;
                    quietSince = System.nanoTime();
                }
            } catch (ExecutionException e) {
                throw new AssertionFailedError("stop() of supervisor \"" + supervisor.name() + "\" threw "
                        + e.getCause(), e.getCause());
            }
        }
    }

    /** What an advance may change: an advance that changes none of it needs no grace after it. */
    private Progress progress() {
        return new Progress(timers.fired(), clock.pendingTasks(), events.size());
    }

    private record Progress(long fired, int pending, int events) {
    }

    private AssertionFailedError stuck(Thread stopper, Duration limit) {
        String stack = Arrays.stream(stopper.getStackTrace()).map(frame -> "\n    at " + frame)
                .collect(Collectors.joining());
        return new AssertionFailedError("stop() of supervisor \"" + supervisor.name() + "\" did not return within "
                + limit + " of real time (the extension advanced its ManualClock by " + advanced()
                + "); the thread \"" + stopper.getName() + "\" is left waiting in it:" + stack);
    }
}
