package dev.arbor.examples.broker;

import java.util.Optional;
import java.util.Set;

/**
 * What the demo's services need from a message broker: a work queue with <b>at-least-once</b>
 * delivery, the broker's own redelivery and delivery limit, and its dead-letter queue.
 *
 * <ul>
 *   <li><b>Publishing</b> goes through a {@link Publisher}; a message is on the broker (durably,
 *       where the broker persists) when {@link Publisher#publish} returns.</li>
 *   <li><b>Consuming</b> goes through a {@link ConsumerSession}, one per run of a consumer: a
 *       message it polls is the session's until it acknowledges it; when the session closes
 *       unacknowledged (the run crashed, returned or was stopped), the broker delivers the message
 *       again, and after {@link #maxDeliveries()} deliveries moves it to its dead-letter queue.</li>
 *   <li><b>Dead letters</b> are read the same way, from {@link #openDeadLetterConsumer}.</li>
 * </ul>
 *
 * <p>Implementations are thread-safe: sessions and publishers may be opened from any thread, each
 * used by one thread at a time.
 */
public interface Broker extends AutoCloseable {
    /** The broker in a few words for the demo's header and summary, e.g. its product and version. */
    String description();

    /** How many deliveries the broker makes before it dead-letters a message. */
    int maxDeliveries();

    /**
     * Opens a publisher to the work queue.
     *
     * @throws BrokerException if the broker cannot be reached
     */
    Publisher openPublisher();

    /**
     * Opens a session on the work queue for one run of a consumer. Close it when the run ends,
     * however it ends: that hands its unacknowledged message back for redelivery.
     *
     * @param consumer a name for the consumer, recorded with a failure
     * @throws NullPointerException     if consumer is null
     * @throws IllegalArgumentException if consumer is blank
     * @throws BrokerException          if the broker cannot be reached
     */
    ConsumerSession openConsumer(String consumer);

    /**
     * Opens a session on the dead-letter queue, on the same terms as {@link #openConsumer}.
     *
     * @throws NullPointerException     if consumer is null
     * @throws IllegalArgumentException if consumer is blank
     * @throws BrokerException          if the broker cannot be reached
     */
    ConsumerSession openDeadLetterConsumer(String consumer);

    /**
     * How many messages the work queue and the dead-letter queue still hold, ready or delivered and
     * not yet acknowledged; 0 once everything was acknowledged.
     *
     * @throws BrokerException if the broker cannot be asked
     */
    long pending();

    /**
     * The ids of the messages both queues hold. Meant for the end of a run, once every session is
     * closed (a message a session holds may be missing).
     *
     * @throws BrokerException if the broker cannot be asked
     */
    Set<Long> pendingIds();

    /**
     * What the last session to hand a message back unacknowledged said about it, if a session in
     * this process did: the dead-letter archive records it as the reason.
     */
    Optional<DeliveryFailure> lastFailure(long messageId);

    /** Closes the connections (and stops an embedded broker). Idempotent; never throws. */
    @Override
    void close();
}
