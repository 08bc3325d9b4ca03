package dev.arbor.internal;

import java.time.Duration;

/**
 * A supervisor's restart intensity (API.md v2, {@code maxRestarts(restarts, window)}): whether a
 * restart at {@code now} makes more than {@code restarts} restarts within one {@code window}, an
 * exact sliding window on the supervisor's clock. A restart at {@code t} is inside the window of
 * {@code now} when {@code now - t <= window} (OTP's rule: restarts exactly {@code window} apart
 * are in one window).
 *
 * <p><b>O(1) per restart</b>, whatever the count: a ring of the most recent timestamps. The limit
 * is exceeded exactly when the ring holds {@code restarts + 1} of them and the oldest is inside the
 * window. The ring grows (doubling, so amortized O(1)) only while every timestamp it holds is
 * inside the window; otherwise the oldest is overwritten: a timestamp outside the window at
 * {@code now} is outside it at every later reading, so nothing it forgets could count again. So a
 * large limit costs memory only if that many restarts really happen within one window.
 *
 * <p><b>Computes, never applies.</b> The supervisor asks it and terminates itself. Not
 * thread-safe: owned by its supervisor and used under the supervisor's lock.
 */
final class RestartIntensity {
    private static final int INITIAL_CAPACITY = 8;
    /** The largest array the JVM is sure to allocate; beyond it (16 GB of timestamps) the JVM runs out of memory first. */
    private static final int MAX_CAPACITY = Integer.MAX_VALUE - 8;

    private final long limit;       // restarts + 1: the count that exceeds
    private final long windowNanos;
    private long[] ring;
    private int oldest;     // index of the oldest timestamp held
    private int size;

    /**
     * @param restarts how many restarts one window tolerates; one more exceeds the limit
     * @param window   the window's length, positive
     */
    RestartIntensity(int restarts, Duration window) {
        this.limit = restarts + 1L;
        this.windowNanos = SystemClock.saturatedNanos(window);
        this.ring = new long[(int) Math.min(restarts + 1L, INITIAL_CAPACITY)];
    }

    /**
     * Records a restart at {@code now} (the supervisor's clock) and tells whether it makes more
     * than {@code restarts} restarts within one window.
     */
    boolean exceededBy(long now) {
        if (size == ring.length) {
            if (size == limit || size == MAX_CAPACITY || now - ring[oldest] > windowNanos) {
                ring[oldest] = now;                       // full: the newest replaces the oldest
                oldest = (oldest + 1) % ring.length;
            } else {
                grow();
                append(now);
            }
        } else {
            append(now);
        }
        return size == limit && now - ring[oldest] <= windowNanos;
    }

    /** Forgets every restart: a new run of the supervisor starts with none. */
    void reset() {
        size = 0;
        oldest = 0;
    }

    /** How many of the restarts held are inside the window of {@code now} (for tests and health). */
    int inWindow(long now) {
        int n = 0;
        for (int i = 0; i < size; i++) {
            if (now - ring[(oldest + i) % ring.length] <= windowNanos) {
                n++;
            }
        }
        return n;
    }

    private void append(long now) {
        ring[(oldest + size) % ring.length] = now;
        size++;
    }

    /** Doubles the ring (at most to restarts + 1), unrolling it so that the oldest is at index 0. */
    private void grow() {
        int capacity = (int) Math.min(Math.min(limit, 2L * ring.length), MAX_CAPACITY);
        long[] bigger = new long[capacity];
        for (int i = 0; i < size; i++) {
            bigger[i] = ring[(oldest + i) % ring.length];
        }
        ring = bigger;
        oldest = 0;
    }
}
