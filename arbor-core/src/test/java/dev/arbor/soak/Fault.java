package dev.arbor.soak;

/** What one service run does; every fault of issue 4's list has one. */
enum Fault {
    /** Throws an exception after a short while. */
    EXCEPTION,
    /** Throws an ordinary {@link Error} (AssertionError, LinkageError...). */
    ERROR,
    /** Recurses until a real {@link StackOverflowError}. */
    STACK_OVERFLOW,
    /** Returns normally with no stop requested. */
    RETURN,
    /** Throws {@link InterruptedException} though no stop was requested. */
    INTERRUPTED_WITHOUT_STOP,
    /** Throws {@link dev.arbor.DoNotRestartException}, directly or as a cause. */
    DO_NOT_RESTART,
    /** Throws {@link dev.arbor.TerminateTreeException}, directly or as a cause. */
    TERMINATE_TREE,
    /** Waits for its stop and returns: the well-behaved service. */
    AWAIT_STOP,
    /** Waits for its stop, then keeps going, ignoring interrupts, for up to twice its shutdown timeout. */
    STOP_SLOWLY,
    /** Registers an onStop action that throws, then waits for its stop. */
    THROWING_ON_STOP,
    /** Registers an onStop action that blocks for a while, then waits for its stop. */
    BLOCKING_ON_STOP,
    /** Ignores interrupts and stop requests until the soak run releases it at the very end. */
    IGNORE_INTERRUPTS_FOREVER,
    /** Spins on the CPU ignoring interrupts and stops whenever a spin storm is on, on every carrier at once. */
    SPIN
}
