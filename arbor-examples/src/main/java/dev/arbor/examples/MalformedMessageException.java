package dev.arbor.examples;

/**
 * A message that cannot be turned into an {@link Order}. The worker lets it escape: the run
 * crashes, Arbor restarts the worker, and the queue redelivers the message until it is
 * dead-lettered. Unchecked, because nothing in the worker should try to handle it.
 */
public final class MalformedMessageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * @param messageId the id of the message that could not be parsed
     * @param cause     what Jackson (or the record's validation) said
     */
    public MalformedMessageException(long messageId, Throwable cause) {
        super("message " + messageId + " is malformed: " + firstLine(cause), cause);
    }

    private static String firstLine(Throwable cause) {
        String text = cause == null ? null : cause.getMessage();
        if (text == null) {
            return cause == null ? "unknown" : cause.getClass().getSimpleName();
        }
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }
}
