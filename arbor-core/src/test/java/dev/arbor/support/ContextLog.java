package dev.arbor.support;

import dev.arbor.EventContext;
import dev.arbor.EventListener;
import dev.arbor.SupervisorEvent;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** An {@link EventListener} that records each event with its context, for tests to await in order. */
public final class ContextLog implements EventListener {
    /** One delivered event with its context. */
    public record Entry(SupervisorEvent event, EventContext context) {}

    private static final Duration BOUND = Duration.ofSeconds(10);
    private final LinkedBlockingQueue<Entry> pending = new LinkedBlockingQueue<>();
    private final List<Entry> all = new ArrayList<>();

    @Override
    public void onEvent(SupervisorEvent event, EventContext context) {
        Entry entry = new Entry(event, context);
        synchronized (all) {
            all.add(entry);
        }
        pending.add(entry);
    }

    /** Skips entries until one whose event is a {@code type} matching {@code test}. */
    public <T extends SupervisorEvent> Entry await(Class<T> type, Predicate<? super T> test) {
        while (true) {
            Entry entry;
            try {
                entry = pending.poll(BOUND.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                throw new AssertionError("interrupted", e);
            }
            if (entry == null) {
                throw new AssertionError("no " + type.getSimpleName() + " within " + BOUND + "; so far: " + all());
            }
            if (type.isInstance(entry.event()) && test.test(type.cast(entry.event()))) {
                return entry;
            }
        }
    }

    /** Every entry delivered so far. */
    public List<Entry> all() {
        synchronized (all) {
            return List.copyOf(all);
        }
    }
}
