package dev.arbor;

/**
 * What a supervisor does with a child after a {@link SupervisorEvent.ServiceFailed}, given in the
 * event's {@link EventContext#action()}. It tells apart what {@code restarting == false} lumps
 * together.
 */
public enum FailureAction {
    /** The child restarts without waiting for a backoff: at once, or under ONE_FOR_ALL and
     *  REST_FOR_ONE as soon as the siblings it takes along have stopped. */
    RESTART,
    /** The child waits for a backoff to end, then restarts. */
    BACKOFF,
    /** The child is removed for good: a TEMPORARY child. */
    REMOVE,
    /** This failure terminates the supervisor: a {@link TerminateTreeException} or a fatal JVM error. */
    TERMINATE,
    /** The supervisor is stopping or terminating already: nothing restarts. */
    STOP
}
