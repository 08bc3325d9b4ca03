package dev.arbor.observer;

import dev.arbor.Supervisor;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Takes a {@link Supervisor#health()} snapshot every interval on one daemon thread, records the
 * sparkline deltas and publishes the frame to the {@link FrameBoard}: one snapshot and one JSON
 * per interval however many pages watch. The thread owns the {@link StartsHistory}; the first
 * frame is taken by {@link #start()} on the caller's thread, before the schedule begins.
 */
final class Sampler {
    private static final System.Logger LOG = System.getLogger("dev.arbor.observer");

    private final Supervisor root;
    private final Duration interval;
    private final int historySize;
    private final FrameBoard board;
    private final StartsHistory history;
    private final ScheduledExecutorService thread;
    private long seq;

    Sampler(Supervisor root, Duration interval, int historySize, FrameBoard board) {
        this.root = root;
        this.interval = interval;
        this.historySize = historySize;
        this.board = board;
        this.history = new StartsHistory(historySize);
        this.thread = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("arbor-observer-sampler").daemon().factory());
    }

    void start() {
        sample();
        long nanos = interval.toNanos();
        thread.scheduleWithFixedDelay(this::sampleSafely, nanos, nanos, TimeUnit.NANOSECONDS);
    }

    /** Stops the schedule and waits (bounded) for a sample in progress to end. */
    void stop(Duration wait) throws InterruptedException {
        thread.shutdownNow();
        if (!thread.awaitTermination(wait.toNanos(), TimeUnit.NANOSECONDS)) {
            LOG.log(System.Logger.Level.WARNING, "arbor-observer: the sampler thread did not end within " + wait);
        }
    }

    boolean isTerminated() {
        return thread.isTerminated();
    }

    /** A throwing task would end the schedule for good: log and go on with the next tick. */
    private void sampleSafely() {
        try {
            sample();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "arbor-observer: taking a snapshot failed", e);
        }
    }

    private void sample() {
        var health = root.health();
        history.record(health);
        seq++;
        board.publish(SnapshotJson.frame(seq, System.currentTimeMillis(), interval, historySize, health,
                history::deltas));
    }
}
