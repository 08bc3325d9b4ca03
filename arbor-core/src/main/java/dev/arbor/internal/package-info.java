/**
 * The engine behind {@code dev.arbor.Supervisor}; not exported by the module, and not API.
 *
 * <p>The map, in the order a failure travels through it:
 * <ul>
 *   <li>{@link dev.arbor.internal.SupervisorCore}: the monitor. One lock guards all of one
 *       supervisor's state; the class comment has the overview, the phases and who owns each
 *       field. {@link dev.arbor.internal.Config} is its immutable configuration.</li>
 *   <li>{@link dev.arbor.internal.Child} (one child, also its {@code ServiceRef}),
 *       {@link dev.arbor.internal.Run} (one run; a leaf run is also the service's context) and
 *       {@link dev.arbor.internal.ChildTable} (the current children by name, in add order).</li>
 *   <li>{@link dev.arbor.internal.Outcome}: how a run ended (cause chain, fatal errors).</li>
 *   <li>Policy, computed and never applied: {@link dev.arbor.internal.FailurePolicy} over
 *       {@link dev.arbor.internal.FailureCounter} (failure accounting and backoff),
 *       {@link dev.arbor.internal.RestartIntensity} (giving up), {@link dev.arbor.internal.ChildBackoff}
 *       (a child's own backoff), {@link dev.arbor.internal.Wave} (strategy restarts), {@link dev.arbor.internal.StopBatch}
 *       (stop order) and {@link dev.arbor.internal.StopDeadlines} with
 *       {@link dev.arbor.internal.Deadline} (shutdown timers).</li>
 *   <li>After the lock: {@link dev.arbor.internal.Outbox}.</li>
 *   <li>The process boundary: {@link dev.arbor.internal.ProcessControl}, the JVM operations behind
 *       {@code dev.arbor.SupervisorProcess}.</li>
 *   <li>Events: {@link dev.arbor.internal.EventChannel} (delivery, one drainer per listener),
 *       {@link dev.arbor.internal.EventTotals} (counts for health) and
 *       {@link dev.arbor.internal.LoggingListener} (the default listener); {@code JfrEvents} (the
 *       same events as JDK Flight Recorder events).</li>
 *   <li>Time: {@link dev.arbor.internal.SystemClock}, the lock-free timer behind
 *       {@code SupervisorClock.system()}; {@link dev.arbor.internal.Timers}, the guarded calls into a
 *       user's clock.</li>
 * </ul>
 */
package dev.arbor.internal;
