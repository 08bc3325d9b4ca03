/**
 * Helpers for users' tests of supervision. {@link dev.arbor.testing.ManualClock} makes every wait
 * of a supervisor (backoff, failure decay, shutdown timeouts) happen when the test moves time, so
 * a test never sleeps.
 */
package dev.arbor.testing;
