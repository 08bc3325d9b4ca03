/**
 * A live, read-only view of a supervisor tree in the browser: start one with
 * {@link dev.arbor.observer.Observer#builder(dev.arbor.Supervisor)}.
 */
package dev.arbor.observer;
