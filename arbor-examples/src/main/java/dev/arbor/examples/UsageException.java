package dev.arbor.examples;

/** A bad command line. {@link Main} prints the message and exits with status 2. */
public final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    /** @param message what is wrong, naming the flag and the value */
    public UsageException(String message) {
        super(message);
    }
}
