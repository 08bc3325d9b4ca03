package dev.arbor;

/**
 * A unit of supervised work: a queue consumer, a poller, a connection handler, or a whole
 * {@link Supervisor}.
 *
 * <p>A supervisor calls {@link #serve} once per run, each run on a thread of its own (a virtual
 * thread unless the supervisor's {@code threadFactory} says otherwise), so nothing a crashed run
 * left in thread-local state leaks into the next one. How the run ends decides what happens next:
 * <ul>
 *   <li><b>throws</b> any exception or non-fatal {@link Error}: a failure, restarted according to
 *       the child's {@link Restart} type and the supervisor's {@link Strategy};</li>
 *   <li><b>returns</b>: a failure for a {@link Restart#PERMANENT PERMANENT} child, a completion
 *       for the others;</li>
 *   <li>throws {@link DoNotRestartException} or {@link TerminateTreeException} (anywhere in the
 *       cause chain): removed for good, or the whole supervisor terminates;</li>
 *   <li>ends <b>after a stop was requested</b> (in any way): stopped, not restarted, not a failure;</li>
 *   <li>throws a <b>fatal JVM error</b> (a {@link VirtualMachineError} other than
 *       {@link StackOverflowError}), even after a stop request: never restarted; the supervisor
 *       and all its ancestors terminate and the root's {@link Supervisor#run()} throws it (see
 *       {@link Supervisor}).</li>
 * </ul>
 * A well-behaved service returns promptly once {@link ServiceContext#isStopping()} is true or its
 * thread is interrupted. One that does not is abandoned after its shutdown timeout and listed in
 * the supervisor's {@link StopReport}.
 */
@FunctionalInterface
public interface Service {
    /**
     * Runs until done, until it fails, or until a stop is requested.
     *
     * @param ctx this run's context: its name, its stop signal and its restart count
     * @throws Exception to report a failure; see the class description for what each outcome means
     */
    void serve(ServiceContext ctx) throws Exception;
}
