package dev.arbor;

/**
 * What a supervisor tells one run of a {@link Service}. Each run gets a fresh context.
 *
 * <p>A stop request (from {@link Supervisor#stop()}, {@link Supervisor#remove}, or a strategy
 * restart) happens in this order: {@link #isStopping()} becomes true, the {@link #onStop} actions
 * are started, and the run's thread is interrupted. All methods are thread-safe.
 */
public interface ServiceContext {
    /**
     * The name the service was added under.
     *
     * @return the child's name
     */
    String name();

    /**
     * Whether a stop was requested for this run.
     *
     * @return true once the supervisor asked this run to stop; never false again afterwards
     */
    boolean isStopping();

    /**
     * Blocks until a stop is requested, then returns normally with the thread's interrupt status
     * still set (the stop request interrupts the thread). Returns at once if a stop was already
     * requested.
     *
     * @throws InterruptedException only when the thread is interrupted for another reason than a
     *         stop request; a service that lets it escape fails, and is restarted like any failure
     */
    void awaitStop() throws InterruptedException;

    /**
     * Registers an action that runs once when a stop is requested, for example closing a socket
     * that a blocking read waits on. Actions run in registration order on a separate virtual
     * thread, so an action that throws or blocks never stalls the supervisor; its time counts
     * against the child's shutdown timeout. What it throws is logged and the next action runs,
     * except a fatal JVM error (a {@link VirtualMachineError} other than {@link StackOverflowError}):
     * the supervisor terminates with it, as when a run throws one after its stop request (it beats
     * a concurrent stop as the cause, passes up the tree, and the root's {@code run()} throws it);
     * if that supervisor has terminated already, its parent terminates with it. An action
     * registered after the stop request runs at once, in the calling thread.
     *
     * @param action what to do when a stop is requested
     *
     * @throws NullPointerException if {@code action} is null
     */
    void onStop(Runnable action);

    /**
     * How many times this child was restarted before this run.
     *
     * @return 0 on the first run, then 1, 2, ...
     */
    int restarts();

    /**
     * Signals that this run is started and ready to be depended on (OTP's {@code init}
     * returning). For a child whose spec has a start timeout ({@link ChildSpec#withStartTimeout}),
     * its supervisor's start waits for this signal: the next child in add order starts only then,
     * and {@link Supervisor#start()} returns only when every such child has signalled it. For any
     * other child, and for runs after the supervisor's start (restarts), it does nothing.
     * Idempotent and thread-safe; it never blocks for long (it takes the supervisor's lock once).
     * The default implementation does nothing, for contexts made outside a supervisor.
     */
    default void ready() {
    }
}
