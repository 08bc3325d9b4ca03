package dev.arbor.internal;

import dev.arbor.EventContext;
import dev.arbor.EventListener;
import dev.arbor.FailureAction;
import dev.arbor.SupervisorEvent;
import dev.arbor.SupervisorEvent.BackoffEnded;
import dev.arbor.SupervisorEvent.BackoffStarted;
import dev.arbor.SupervisorEvent.EventsDropped;
import dev.arbor.SupervisorEvent.ServiceCompleted;
import dev.arbor.SupervisorEvent.ServiceFailed;
import dev.arbor.SupervisorEvent.ServiceStarted;
import dev.arbor.SupervisorEvent.ServiceStopTimeout;
import dev.arbor.SupervisorEvent.ServiceStopped;
import dev.arbor.SupervisorEvent.SupervisorTerminated;

import java.lang.System.Logger.Level;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The default listener ({@link EventListener#logging()}): one line per event, the stack trace once
 * per distinct failure. The levels are documented on {@code EventListener.logging()}.
 *
 * <p>Thread-safe: the memory of failures seen is guarded by its own monitor (held only to look up
 * and insert, never while logging).
 */
public final class LoggingListener implements EventListener {
    private static final int REMEMBERED_FAILURES = 256;

    private final System.Logger log;
    private final Map<FailureSignature, Boolean> seen = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<FailureSignature, Boolean> eldest) {
            return size() > REMEMBERED_FAILURES;
        }
    };

    /** @param log where every line goes */
    public LoggingListener(System.Logger log) {
        this.log = Objects.requireNonNull(log, "log");
    }

    @Override
    public void onEvent(SupervisorEvent event, EventContext context) {
        String where = context.pathString() + ": ";
        switch (event) {
            case ServiceStarted e -> log.log(Level.DEBUG, () -> where + (e.restarts() > 0
                    ? "restarted " + e.service() + " (restart " + e.restarts() + ")" : "started " + e.service()));
            case ServiceFailed e -> failed(where, e, context);
            case ServiceCompleted e -> log.log(Level.DEBUG, () -> where + e.service() + " completed; removed");
            case ServiceStopped e -> log.log(Level.DEBUG, () -> where + "stopped " + e.service());
            case ServiceStopTimeout e -> log.log(Level.WARNING, where + e.service()
                    + " did not stop within its shutdown timeout; abandoned, still running");
            case BackoffStarted e -> log.log(Level.WARNING, where + "too many failures; failed children wait "
                    + e.delay() + " before they restart");
            case BackoffEnded e -> log.log(Level.INFO, where + "backoff ended; restarting the children that waited");
            case EventsDropped e -> log.log(Level.WARNING, where + e.count()
                    + " events dropped: the listener fell behind by more than the event buffer");
            case SupervisorTerminated e -> terminated(where, e, context);
        }
    }

    private void failed(String where, ServiceFailed e, EventContext context) {
        FailureAction action = context.action().orElse(e.restarting() ? FailureAction.RESTART : FailureAction.STOP);
        String line = where + e.service() + (e.cause() == null ? " returned" : " failed: " + describe(e.cause()))
                + "; " + next(action) + String.format(Locale.ROOT, " (failures %.2f of %.2f)", e.failures(), e.threshold());
        Level level = action == FailureAction.TERMINATE ? Level.ERROR : Level.WARNING;
        logWithTraceOnce(level, line, e.cause(), new FailureSignature(context.path(), e.service(), e.cause()));
    }

    private void terminated(String where, SupervisorTerminated e, EventContext context) {
        if (e.cause() == null) {
            Level level = context.path().size() == 1 ? Level.INFO : Level.DEBUG;
            log.log(level, () -> where + "stopped");
            return;
        }
        logWithTraceOnce(Level.ERROR, where + "terminated: " + describe(e.cause()), e.cause(),
                new FailureSignature(context.path(), "", e.cause()));
    }

    private void logWithTraceOnce(Level level, String line, Throwable cause, FailureSignature signature) {
        if (cause == null) {
            log.log(level, line);
        } else if (firstTime(signature)) {
            log.log(level, line, cause);
        } else {
            log.log(level, line + " (seen before; stack trace at DEBUG)");
            if (log.isLoggable(Level.DEBUG)) {
                log.log(Level.DEBUG, line, cause);
            }
        }
    }

    private boolean firstTime(FailureSignature signature) {
        synchronized (seen) {
            return seen.put(signature, Boolean.TRUE) == null;
        }
    }

    private static String next(FailureAction action) {
        return switch (action) {
            case RESTART -> "restarting";
            case BACKOFF -> "waiting for the backoff to end";
            case REMOVE -> "removed (TEMPORARY)";
            case TERMINATE -> "terminating the supervisor";
            case STOP -> "not restarted: the supervisor is stopping";
        };
    }

    private static String describe(Throwable t) {
        String message = t.getMessage();
        return t.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    /**
     * What makes two failures "the same" for the stack trace: where in the tree, which child, the
     * exception classes down the cause chain and the frame that threw. Not the message, which
     * often carries an id.
     */
    private record FailureSignature(List<String> path, String service, List<String> causeClasses, String origin) {
        FailureSignature(List<String> path, String service, Throwable cause) {
            this(path, service, causeClasses(cause), origin(cause));
        }

        private static List<String> causeClasses(Throwable cause) {
            List<String> classes = new java.util.ArrayList<>();
            for (Throwable t = cause; t != null && classes.size() < 8; t = t.getCause()) {
                classes.add(t.getClass().getName());
            }
            return classes;
        }

        private static String origin(Throwable cause) {
            if (cause == null) {
                return "";
            }
            StackTraceElement[] trace = cause.getStackTrace();
            return trace.length == 0 ? "" : trace[0].toString();
        }
    }
}
