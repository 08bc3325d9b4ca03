package dev.arbor;

import java.io.Serial;

/**
 * Thrown by a service (or found anywhere in the cause chain of what it throws) to terminate its
 * supervisor: every other child is stopped and the supervisor ends {@link SupervisorState#TERMINATED}
 * with this as its {@link Supervisor#terminationCause()}. A child supervisor then rethrows it to
 * its own parent, so the whole tree terminates, unless it was built with
 * {@code propagateTermination(false)}; the root's {@link Supervisor#run()} throws it. Found in the
 * cause chain of what a run threw, it is this exception itself (not the wrapper) that becomes the
 * termination cause and that {@code run()} throws; the {@link SupervisorEvent.ServiceFailed} of
 * that run carries the wrapper as thrown.
 */
public class TerminateTreeException extends RuntimeException {
    @Serial private static final long serialVersionUID = 1L;

    /** Creates one with no message. */
    public TerminateTreeException() {
        super();
    }

    /**
     * Creates one with a message.
     *
     * @param message why the tree should terminate
     */
    public TerminateTreeException(String message) {
        super(message);
    }

    /**
     * Creates one with a message and a cause.
     *
     * @param message why the tree should terminate
     * @param cause   what led to it
     */
    public TerminateTreeException(String message, Throwable cause) {
        super(message, cause);
    }
}
