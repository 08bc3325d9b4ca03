/**
 * Arbor's public API: supervisor trees for the JVM, on virtual threads. Every type in this package
 * is public and part of the compatibility promise; the machinery lives in the module's unexported
 * {@code dev.arbor.internal} package.
 *
 * <ul>
 *   <li><b>Running work</b>: {@link dev.arbor.Service} (the unit of supervised work) and
 *       {@link dev.arbor.ServiceContext} (what a run sees); {@link dev.arbor.Supervisor} and its
 *       {@link dev.arbor.Supervisor.Builder}; {@link dev.arbor.ChildSpec} with {@link dev.arbor.Restart};
 *       {@link dev.arbor.Strategy} and {@link dev.arbor.StopOrder}.</li>
 *   <li><b>Ending work</b>: {@link dev.arbor.DoNotRestartException},
 *       {@link dev.arbor.TerminateTreeException}; {@link dev.arbor.StopReport} and
 *       {@link dev.arbor.UnstoppedService}.</li>
 *   <li><b>Watching work</b>: {@link dev.arbor.SupervisorEvent} (a sealed set of records, delivered
 *       to the builder's listener); {@link dev.arbor.Supervisor#children()} with
 *       {@link dev.arbor.ChildInfo}; {@link dev.arbor.Supervisor#health()} with
 *       {@link dev.arbor.SupervisorHealth}, {@link dev.arbor.ChildHealth},
 *       {@link dev.arbor.SupervisorTotals} and {@link dev.arbor.HealthStatus}.</li>
 *   <li><b>Time</b>: {@link dev.arbor.SupervisorClock}, {@link dev.arbor.Cancellable} and
 *       {@link dev.arbor.Jitter}; {@code dev.arbor.testing.ManualClock} for tests.</li>
 * </ul>
 *
 * <p>Unless a type says otherwise, its methods reject null arguments with a
 * {@link java.lang.NullPointerException} that names the argument, records are immutable, and the
 * supervisor's methods are safe to call from any thread.
 */
package dev.arbor;
