package dev.arbor.internal;

/**
 * The few JVM operations {@code dev.arbor.SupervisorProcess} needs, so that its decisions can be tested in a
 * JVM that must not exit. {@link #JVM} is the real one; a test supplies a fake that records the
 * status instead of exiting and runs the hook itself to play a signal.
 */
public interface ProcessControl {
    /** The running JVM: {@link Runtime}'s hooks, exit and halt. */
    ProcessControl JVM = new ProcessControl() {
        @Override
        public void addShutdownHook(Thread hook) {
            Runtime.getRuntime().addShutdownHook(hook);
        }

        @Override
        public void removeShutdownHook(Thread hook) {
            Runtime.getRuntime().removeShutdownHook(hook);
        }

        @Override
        public void exit(int status) {
            System.exit(status);
        }

        @Override
        public void halt(int status) {
            Runtime.getRuntime().halt(status);
        }
    };

    /** As {@link Runtime#addShutdownHook}: the hook runs when the JVM begins to shut down. */
    void addShutdownHook(Thread hook);

    /**
     * As {@link Runtime#removeShutdownHook}.
     *
     * @throws IllegalStateException if the JVM is already shutting down (the hook runs or ran)
     */
    void removeShutdownHook(Thread hook);

    /** As {@link System#exit}: runs the shutdown hooks, then ends the JVM. A fake returns. */
    void exit(int status);

    /** As {@link Runtime#halt}: ends the JVM at once, running nothing more. A fake returns. */
    void halt(int status);
}
