package dev.arbor.examples.queue;

import java.io.IOException;

/**
 * Where {@link InMemoryQueue} puts the messages it gives up on. Called from consumer threads,
 * possibly several at once, so implementations must be thread-safe.
 */
@FunctionalInterface
public interface DeadLetterSink {
    /**
     * Stores one dead letter durably before returning. If this throws, the queue puts the message
     * back rather than lose it.
     *
     * @throws IOException if the letter could not be stored
     */
    void deadLetter(DeadLetter letter) throws IOException;
}
