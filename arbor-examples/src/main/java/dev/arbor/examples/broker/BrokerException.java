package dev.arbor.examples.broker;

/** A broker could not be reached or refused an operation. Unchecked: a worker that gets one crashes, and Arbor restarts it. */
public final class BrokerException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what failed
     * @param cause   the client library's exception
     */
    public BrokerException(String message, Throwable cause) {
        super(message, cause);
    }
}
