package dev.arbor.internal;

import dev.arbor.FailureAction;
import dev.arbor.SupervisorEvent;
import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

import java.util.List;

/**
 * Supervision events as JDK Flight Recorder events, for JDK Mission Control and
 * {@code jdk.jfr.consumer.RecordingStream}: one JFR event per {@link SupervisorEvent}, committed
 * where the supervisor records it (under its lock, on the thread that caused it), so JFR's own
 * timestamp and thread are those of the fact. All are in category "Arbor", named
 * {@code dev.arbor.*}, with no stack trace (the cause's class and message are fields).
 *
 * <p><b>Cost when disabled</b>: {@link Event#isEnabled()} on an event object that escape analysis
 * never allocates; nothing else. Enable them with {@code -XX:StartFlightRecording} and a
 * settings file, or {@code recordingStream.enable("dev.arbor.ServiceFailed")}.
 */
final class JfrEvents {
    private JfrEvents() {
    }

    /** Commits the JFR event for {@code event}, if that JFR event is enabled. */
    static void record(SupervisorEvent event, List<String> path, FailureAction action) {
        switch (event) {
            case SupervisorEvent.ServiceStarted e -> {
                ServiceStarted jfr = new ServiceStarted();
                if (jfr.isEnabled()) {
                    jfr.supervisor = pathString(path);
                    jfr.service = e.service();
                    jfr.restarts = e.restarts();
                    jfr.commit();
                }
            }
            case SupervisorEvent.ServiceFailed e -> {
                ServiceFailed jfr = new ServiceFailed();
                if (jfr.isEnabled()) {
                    jfr.supervisor = pathString(path);
                    jfr.service = e.service();
                    jfr.causeClass = e.cause() == null ? null : e.cause().getClass();
                    jfr.causeMessage = e.cause() == null ? "returned normally" : e.cause().getMessage();
                    jfr.failures = e.failures();
                    jfr.threshold = e.threshold();
                    jfr.action = action == null ? null : action.name();
                    jfr.commit();
                }
            }
            case SupervisorEvent.ServiceCompleted e -> {
                ServiceCompleted jfr = new ServiceCompleted();
                if (jfr.isEnabled()) {
                    jfr.supervisor = pathString(path);
                    jfr.service = e.service();
                    jfr.commit();
                }
            }
            case SupervisorEvent.ServiceStopped e -> {
                ServiceStopped jfr = new ServiceStopped();
                if (jfr.isEnabled()) {
                    jfr.supervisor = pathString(path);
                    jfr.service = e.service();
                    jfr.commit();
                }
            }
            case SupervisorEvent.ServiceStopTimeout e -> {
                ServiceStopTimeout jfr = new ServiceStopTimeout();
                if (jfr.isEnabled()) {
                    jfr.supervisor = pathString(path);
                    jfr.service = e.service();
                    jfr.commit();
                }
            }
            case SupervisorEvent.BackoffStarted e -> {
                BackoffStarted jfr = new BackoffStarted();
                if (jfr.isEnabled()) {
                    jfr.supervisor = pathString(path);
                    jfr.delay = SystemClock.saturatedNanos(e.delay());
                    jfr.commit();
                }
            }
            case SupervisorEvent.BackoffEnded e -> {
                BackoffEnded jfr = new BackoffEnded();
                if (jfr.isEnabled()) {
                    jfr.supervisor = pathString(path);
                    jfr.commit();
                }
            }
            case SupervisorEvent.SupervisorTerminated e -> {
                SupervisorTerminated jfr = new SupervisorTerminated();
                if (jfr.isEnabled()) {
                    jfr.supervisor = pathString(path);
                    jfr.causeClass = e.cause() == null ? null : e.cause().getClass();
                    jfr.causeMessage = e.cause() == null ? "stopped" : e.cause().getMessage();
                    jfr.commit();
                }
            }
            case SupervisorEvent.EventsDropped e -> { }      // a listener's matter; JFR has its own buffers
        }
    }

    private static String pathString(List<String> path) {
        return path.size() == 1 ? path.get(0) : String.join("/", path);
    }

    @Category("Arbor")
    @StackTrace(false)
    abstract static class ArborEvent extends Event {
        @Label("Supervisor")
        @Description("The path of the supervisor from the root, names joined with '/'")
        String supervisor;
    }

    @Name("dev.arbor.ServiceStarted")
    @Label("Service Started")
    @Description("A run of a supervised service began: a first start or a restart")
    static final class ServiceStarted extends ArborEvent {
        @Label("Service")
        String service;
        @Label("Restarts")
        @Description("How many times the child was restarted before this run")
        int restarts;
    }

    @Name("dev.arbor.ServiceFailed")
    @Label("Service Failed")
    @Description("A run threw, or a PERMANENT run returned")
    static final class ServiceFailed extends ArborEvent {
        @Label("Service")
        String service;
        @Label("Cause")
        Class<?> causeClass;
        @Label("Message")
        String causeMessage;
        @Label("Failures")
        @Description("The supervisor's decayed failure count after this failure")
        double failures;
        @Label("Threshold")
        double threshold;
        @Label("Action")
        @Description("What the supervisor does next: RESTART, BACKOFF, REMOVE, TERMINATE or STOP")
        String action;
    }

    @Name("dev.arbor.ServiceCompleted")
    @Label("Service Completed")
    @Description("A child was removed after a run that did not fail")
    static final class ServiceCompleted extends ArborEvent {
        @Label("Service")
        String service;
    }

    @Name("dev.arbor.ServiceStopped")
    @Label("Service Stopped")
    @Description("A run ended after a stop request")
    static final class ServiceStopped extends ArborEvent {
        @Label("Service")
        String service;
    }

    @Name("dev.arbor.ServiceStopTimeout")
    @Label("Service Stop Timeout")
    @Description("A run ignored its stop request past its shutdown timeout and was abandoned")
    static final class ServiceStopTimeout extends ArborEvent {
        @Label("Service")
        String service;
    }

    @Name("dev.arbor.BackoffStarted")
    @Label("Backoff Started")
    @Description("Too many failures: failed children wait before they restart")
    static final class BackoffStarted extends ArborEvent {
        @Label("Delay")
        @Timespan(Timespan.NANOSECONDS)
        long delay;
    }

    @Name("dev.arbor.BackoffEnded")
    @Label("Backoff Ended")
    static final class BackoffEnded extends ArborEvent {
    }

    @Name("dev.arbor.SupervisorTerminated")
    @Label("Supervisor Terminated")
    @Description("A supervisor ended a run of its own: stopped, or terminated by a cause")
    static final class SupervisorTerminated extends ArborEvent {
        @Label("Cause")
        Class<?> causeClass;
        @Label("Message")
        String causeMessage;
    }
}
