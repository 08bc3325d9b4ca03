package dev.arbor.examples;

/**
 * A worker crash injected after a message was processed and before it was acknowledged: the case
 * at-least-once delivery exists for, and the reason processing must be idempotent.
 */
public final class SimulatedCrashException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param messageId the message that was processed but not acknowledged */
    public SimulatedCrashException(long messageId) {
        super("simulated crash after processing message " + messageId + ", before its ack");
    }
}
