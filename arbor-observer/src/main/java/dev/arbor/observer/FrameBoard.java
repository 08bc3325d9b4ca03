package dev.arbor.observer;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The newest frame, for every stream to send. The sampler publishes; each stream's thread waits
 * for a frame newer than the one it sent last and sends only the newest, so a slow client skips
 * frames instead of queueing them (memory does not grow with slow clients). Thread-safe; the lock
 * is held only to swap or read the reference, never while writing to a socket.
 */
final class FrameBoard {
    /** One published frame: its sequence number (from 1) and its JSON. */
    record Frame(long seq, String json) {
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private Frame latest;
    private boolean closed;

    void publish(String json) {
        lock.lock();
        try {
            long seq = latest == null ? 1 : latest.seq() + 1;
            latest = new Frame(seq, json);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The newest frame, or null before the first. */
    Frame latest() {
        lock.lock();
        try {
            return latest;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until a frame with a sequence number above {@code seenSeq} is there, the board is
     * closed, or the timeout passes.
     *
     * @return that frame; null if closed or timed out (then {@link #isClosed()} tells which)
     */
    Frame awaitNewer(long seenSeq, long timeout, TimeUnit unit) throws InterruptedException {
        long nanos = unit.toNanos(timeout);
        lock.lock();
        try {
            while (!closed && (latest == null || latest.seq() <= seenSeq)) {
                if (nanos <= 0) {
                    return null;
                }
                nanos = changed.awaitNanos(nanos);
            }
            return closed ? null : latest;
        } finally {
            lock.unlock();
        }
    }

    /** Wakes every waiting stream for good. */
    void close() {
        lock.lock();
        try {
            closed = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    boolean isClosed() {
        lock.lock();
        try {
            return closed;
        } finally {
            lock.unlock();
        }
    }
}
