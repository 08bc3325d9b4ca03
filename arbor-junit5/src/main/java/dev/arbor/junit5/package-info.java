/**
 * A JUnit Jupiter extension for tests of Arbor supervisor trees.
 *
 * <p>{@link dev.arbor.junit5.ArborExtension} injects, per test, a {@link dev.arbor.testing.ManualClock},
 * a {@link dev.arbor.Supervisor} built on it and an {@link dev.arbor.junit5.EventRecorder} of its events;
 * after the test it stops the supervisor, driving the clock past the shutdown timeouts itself, and
 * fails the test when a service did not stop or the supervisor terminated unexpectedly
 * ({@link dev.arbor.junit5.ExpectTermination} says when it is expected).
 */
package dev.arbor.junit5;
