package dev.arbor.internal;

import dev.arbor.DoNotRestartException;
import dev.arbor.TerminateTreeException;

/**
 * How a run ended when no stop was requested, classified per API.md's table.
 *
 * @param kind     the class of ending
 * @param thrown   what the run threw, or null when it returned
 * @param decisive the exception that decided the kind: the {@link TerminateTreeException} found in
 *                 the cause chain (the supervisor's termination cause), the fatal error itself,
 *                 or {@code thrown}
 */
public record Outcome(Kind kind, Throwable thrown, Throwable decisive) {
    private static final int MAX_CAUSE_DEPTH = 128;

    /** The classes of ending. */
    public enum Kind { RETURNED, FAILED, DO_NOT_RESTART, TERMINATE_TREE, FATAL }

    /**
     * Classifies what a run threw. A fatal JVM error is a {@link VirtualMachineError} other than
     * {@link StackOverflowError} thrown by the run itself; otherwise the first
     * {@link DoNotRestartException} or {@link TerminateTreeException} found walking down the cause
     * chain decides; anything else is an ordinary failure.
     */
    public static Outcome of(Throwable thrown) {
        if (thrown == null) {
            return new Outcome(Kind.RETURNED, null, null);
        }
        if (isFatal(thrown)) {
            return new Outcome(Kind.FATAL, thrown, thrown);
        }
        // A bounded walk instead of a visited set: no allocation on the restart path, and a
        // (rare, but possible through initCause) cycle in the chain still ends.
        Throwable t = thrown;
        for (int depth = 0; t != null && depth < MAX_CAUSE_DEPTH; depth++) {
            if (t instanceof DoNotRestartException) {
                return new Outcome(Kind.DO_NOT_RESTART, thrown, t);
            }
            if (t instanceof TerminateTreeException) {
                return new Outcome(Kind.TERMINATE_TREE, thrown, t);
            }
            // getCause() is user code (it may be overridden), called under the supervisor's lock in
            // the middle of a batch of ended runs: nothing it throws may escape. The walk ends there;
            // a fatal error still means a broken JVM.
            try {
                t = t.getCause();
            } catch (Throwable broken) {
                if (isFatal(broken)) {
                    return new Outcome(Kind.FATAL, thrown, broken);
                }
                break;
            }
        }
        return new Outcome(Kind.FAILED, thrown, thrown);
    }

    /** True for errors after which the JVM cannot be trusted to run a restarted service. */
    public static boolean isFatal(Throwable t) {
        return t instanceof VirtualMachineError && !(t instanceof StackOverflowError);
    }
}
