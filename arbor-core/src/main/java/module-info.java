/**
 * Arbor: Erlang/OTP-style supervisor trees on virtual threads.
 *
 * <p>{@link dev.arbor.Supervisor} runs {@link dev.arbor.Service}s, restarts them when they fail,
 * protects the process from restart storms and stops everything in order. {@code dev.arbor.testing}
 * holds {@link dev.arbor.testing.ManualClock} for deterministic tests of supervision.
 * The module has no dependencies beyond the JDK's own {@code java.base} and {@code jdk.jfr} (its
 * supervision events are also JDK Flight Recorder events).
 */
module dev.arbor {
    requires jdk.jfr;

    exports dev.arbor;
    exports dev.arbor.testing;
}
