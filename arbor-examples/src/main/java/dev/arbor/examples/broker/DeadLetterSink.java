package dev.arbor.examples.broker;

import java.io.IOException;

/**
 * Where the dead-letter archiver puts the messages the broker gave up on. Implementations must be
 * thread-safe.
 */
@FunctionalInterface
public interface DeadLetterSink {
    /**
     * Stores one dead letter before returning, unless a letter with its message id is stored
     * already (a dead letter redelivered after a crash): at most one letter per id.
     *
     * @return true if stored; false if the id was already there, which changes nothing
     * @throws IOException if the letter could not be stored; the archiver then leaves the message
     *                     on the dead-letter queue
     */
    boolean deadLetter(DeadLetter letter) throws IOException;
}
