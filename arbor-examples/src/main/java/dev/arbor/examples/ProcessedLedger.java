package dev.arbor.examples;

import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The workers' record of what they processed, keyed by message id: what makes processing
 * <b>idempotent</b> under at-least-once delivery. A redelivered message whose id is already here
 * is acknowledged without being processed (or counted) again. Thread-safe.
 */
public final class ProcessedLedger {
    private final ConcurrentHashMap<Long, Order> processed = new ConcurrentHashMap<>();
    private final LongAdder duplicates = new LongAdder();
    private final LongAdder totalCents = new LongAdder();

    /**
     * Records that a message's order was processed, unless its id already was.
     *
     * @return true if this is the first time; false for a duplicate, which changes nothing but
     *         the duplicate count
     * @throws IllegalArgumentException if id is not positive
     * @throws NullPointerException     if order is null
     */
    public boolean record(long id, Order order) {
        if (id <= 0) {
            throw new IllegalArgumentException("id must be > 0, was " + id);
        }
        Objects.requireNonNull(order, "order must not be null");
        if (processed.putIfAbsent(id, order) != null) {
            duplicates.increment();
            return false;
        }
        totalCents.add(order.totalCents());
        return true;
    }

    /** True if a message with this id was processed. */
    public boolean contains(long id) {
        return processed.containsKey(id);
    }

    /** How many distinct messages were processed. */
    public int size() {
        return processed.size();
    }

    /** How many redeliveries of already processed messages were recognised and skipped. */
    public long duplicates() {
        return duplicates.sum();
    }

    /** The sum of the processed orders' totals; counts each message id once. */
    public long totalCents() {
        return totalCents.sum();
    }

    /** A snapshot of the processed ids. */
    public Set<Long> ids() {
        return Set.copyOf(processed.keySet());
    }
}
