package dev.arbor.support;

import dev.arbor.SupervisorEvent;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A listener that records every event, for tests: {@link #next} takes events strictly in order,
 * {@link #await} skips to the first match. Waits are upper bounds only (10 s), never decisions.
 */
public final class EventLog implements Consumer<SupervisorEvent> {
    public static final Duration BOUND = Duration.ofSeconds(10);

    private final LinkedBlockingQueue<SupervisorEvent> pending = new LinkedBlockingQueue<>();
    private final List<SupervisorEvent> all = new ArrayList<>();

    @Override
    public void accept(SupervisorEvent event) {
        synchronized (all) {
            all.add(event);
        }
        pending.add(event);
    }

    /** The next event, which must be of {@code type}. */
    public <T extends SupervisorEvent> T next(Class<T> type) {
        SupervisorEvent event = take();
        if (!type.isInstance(event)) {
            throw new AssertionError("expected " + type.getSimpleName() + " but got " + event + "; all: " + all());
        }
        return type.cast(event);
    }

    /** Skips events until one of {@code type} matching {@code test}. */
    public <T extends SupervisorEvent> T await(Class<T> type, Predicate<? super T> test) {
        while (true) {
            SupervisorEvent event = take();
            if (type.isInstance(event) && test.test(type.cast(event))) {
                return type.cast(event);
            }
        }
    }

    public <T extends SupervisorEvent> T await(Class<T> type) {
        return await(type, e -> true);
    }

    /** Every event received so far. */
    public List<SupervisorEvent> all() {
        synchronized (all) {
            return List.copyOf(all);
        }
    }

    /** True if no further event arrives (checked after the queue drains; for asserting absence
     *  only after a later event proves the earlier ones were delivered). */
    public boolean isEmpty() {
        return pending.isEmpty();
    }

    private SupervisorEvent take() {
        try {
            SupervisorEvent event = pending.poll(BOUND.toMillis(), TimeUnit.MILLISECONDS);
            if (event == null) {
                throw new AssertionError("no event within " + BOUND + "; so far: " + all());
            }
            return event;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
