package dev.arbor.examples.queue;

/**
 * A consistent snapshot of an {@link InMemoryQueue}'s counters.
 *
 * @param published     messages ever published
 * @param acknowledged  messages acknowledged, and so gone for good
 * @param deadLettered  messages the dead-letter sink accepted
 * @param redeliveries  deliveries of a message that had been delivered before
 * @param ready         messages waiting for a consumer
 * @param leased        messages leased to open sessions
 * @param sessions      open sessions
 */
public record QueueStats(long published, long acknowledged, long deadLettered, long redeliveries,
                         int ready, int leased, int sessions) {
}
