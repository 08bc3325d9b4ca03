package dev.arbor;

import java.io.Serial;

/**
 * Thrown by a service (or found anywhere in the cause chain of what it throws) to end its child
 * for good, whatever its {@link Restart} type: the child is removed and a
 * {@link SupervisorEvent.ServiceCompleted} is emitted. It is not counted as a failure.
 * When a cause chain holds both this and {@link TerminateTreeException}, the first one found
 * walking down from the thrown exception decides.
 */
public class DoNotRestartException extends RuntimeException {
    @Serial private static final long serialVersionUID = 1L;

    /** Creates one with no message. */
    public DoNotRestartException() {
        super();
    }

    /**
     * Creates one with a message.
     *
     * @param message why the service should not be restarted
     */
    public DoNotRestartException(String message) {
        super(message);
    }

    /**
     * Creates one with a message and a cause.
     *
     * @param message why the service should not be restarted
     * @param cause   what led to it
     */
    public DoNotRestartException(String message, Throwable cause) {
        super(message, cause);
    }
}
