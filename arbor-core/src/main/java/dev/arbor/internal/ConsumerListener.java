package dev.arbor.internal;

import dev.arbor.EventContext;
import dev.arbor.EventListener;
import dev.arbor.SupervisorEvent;

import java.util.function.Consumer;

/**
 * A listener that needs no context: the channel calls the consumer directly and builds no
 * {@link EventContext} for it.
 *
 * @param consumer called with each event
 */
public record ConsumerListener(Consumer<? super SupervisorEvent> consumer) implements EventListener {
    @Override
    public void onEvent(SupervisorEvent event, EventContext context) {
        consumer.accept(event);
    }
}
