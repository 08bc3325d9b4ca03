package dev.arbor.internal;

import dev.arbor.SupervisorEvent;
import dev.arbor.SupervisorEvent.BackoffEnded;
import dev.arbor.SupervisorEvent.BackoffStarted;
import dev.arbor.SupervisorEvent.ServiceCompleted;
import dev.arbor.SupervisorEvent.ServiceFailed;
import dev.arbor.SupervisorEvent.ServiceStarted;
import dev.arbor.SupervisorEvent.ServiceStopTimeout;
import dev.arbor.SupervisorEvent.ServiceStopped;
import dev.arbor.SupervisorEvent.SupervisorTerminated;

import java.lang.System.Logger.Level;
import java.util.function.Consumer;

/**
 * The default listener of a root supervisor: logs through {@code System.getLogger("dev.arbor")}.
 * Failures, stop timeouts and backoffs at WARNING, terminations by an exception at ERROR (with
 * stack traces); starts, stops and completions at DEBUG.
 */
public final class LoggingListener implements Consumer<SupervisorEvent> {
    /** The shared, stateless instance. */
    public static final LoggingListener INSTANCE = new LoggingListener();

    private static final System.Logger LOG = System.getLogger("dev.arbor");

    private LoggingListener() {
    }

    @Override
    public void accept(SupervisorEvent event) {
        switch (event) {
            case ServiceStarted e -> LOG.log(Level.DEBUG, () -> e.supervisor() + ": started " + e.service()
                    + (e.restarts() > 0 ? " (restart " + e.restarts() + ")" : ""));
            case ServiceFailed e -> LOG.log(Level.WARNING, e.supervisor() + ": " + e.service()
                    + (e.cause() == null ? " returned" : " failed") + String.format(
                    " (failures %.2f of %.2f), %s", e.failures(), e.threshold(),
                    e.restarting() ? "restarting" : "not restarting now"), e.cause());
            case ServiceCompleted e -> LOG.log(Level.DEBUG, () -> e.supervisor() + ": completed " + e.service());
            case ServiceStopped e -> LOG.log(Level.DEBUG, () -> e.supervisor() + ": stopped " + e.service());
            case ServiceStopTimeout e -> LOG.log(Level.WARNING, e.supervisor() + ": " + e.service()
                    + " did not stop within its shutdown timeout; abandoned");
            case BackoffStarted e -> LOG.log(Level.WARNING, e.supervisor() + ": too many failures, backing off for "
                    + e.delay());
            case BackoffEnded e -> LOG.log(Level.INFO, e.supervisor() + ": backoff ended");
            case SupervisorTerminated e -> {
                if (e.cause() == null) {
                    LOG.log(Level.DEBUG, () -> e.supervisor() + ": stopped");
                } else {
                    LOG.log(Level.ERROR, e.supervisor() + ": terminated", e.cause());
                }
            }
        }
    }
}
