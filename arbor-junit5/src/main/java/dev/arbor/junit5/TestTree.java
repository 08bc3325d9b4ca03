package dev.arbor.junit5;

import dev.arbor.StopReport;
import dev.arbor.Supervisor;
import dev.arbor.UnstoppedService;
import dev.arbor.testing.ManualClock;
import org.opentest4j.AssertionFailedError;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What one test owns: its clock, its event recorder and its supervisor, and the checks run when
 * the test is over. Created on the test's first parameter resolution; confined to that test.
 */
final class TestTree {
    final ManualClock clock = new ManualClock();
    private final TrackingClock timers = new TrackingClock(clock);
    final EventRecorder events;
    final Supervisor supervisor;
    private final ArborExtension settings;

    TestTree(ArborExtension settings) {
        this.settings = settings;
        this.events = new EventRecorder(settings.awaitTimeoutValue());
        Supervisor.Builder builder = Supervisor.builder(settings.nameValue());
        settings.customizer().accept(builder);
        // After the customizer: the clock and the listener are what the extension is for.
        this.supervisor = builder.clock(timers).onEvent(events::record).build();
    }

    /**
     * Stops the supervisor and checks how the test left it.
     *
     * @param expected the test's {@link ExpectTermination}, if any
     * @throws AssertionFailedError naming every problem found
     */
    void finish(Optional<ExpectTermination> expected) throws InterruptedException {
        ClockDrivenStop stop = new ClockDrivenStop(supervisor, clock, timers, events);
        StopReport report = stop.stop(settings.stopTimeoutValue(), settings.shutdownGraceValue());
        Optional<Throwable> cause = supervisor.terminationCause();
        List<String> problems = new ArrayList<>();
        if (!report.clean()) {
            problems.add(unstopped(report, stop));
        }
        terminationProblem(expected, cause).ifPresent(problems::add);
        if (!problems.isEmpty()) {
            String message = String.join("\n", problems) + "\n" + events.describeAll();
            throw new AssertionFailedError(message, cause.orElse(null));
        }
    }

    private String unstopped(StopReport report, ClockDrivenStop stop) {
        StringBuilder text = new StringBuilder("supervisor \"" + supervisor.name() + "\" did not stop cleanly: "
                + report.unstopped().size() + " service run(s) ignored the stop request past the shutdown"
                + " timeout (the extension gave the children " + settings.shutdownGraceValue() + " of real time to react,"
                + " then advanced the ManualClock by " + stop.advanced() + "):");
        for (UnstoppedService service : report.unstopped()) {
            text.append("\n  - service \"").append(service.name()).append("\" under ")
                    .append(String.join("/", service.path()))
                    .append(", left running on its thread \"").append(threadName(service)).append('"');
        }
        return text.append("\nA thread cannot be killed: make the service return once it is interrupted"
                + " or ctx.isStopping() is true.").toString();
    }

    /** The name the default thread factory gives a run's thread: "&lt;supervisor&gt;/&lt;service&gt;". */
    static String threadName(UnstoppedService service) {
        return service.path().getLast() + "/" + service.name();
    }

    private Optional<String> terminationProblem(Optional<ExpectTermination> expected, Optional<Throwable> cause) {
        String who = "supervisor \"" + supervisor.name() + "\"";
        if (expected.isPresent()) {
            Class<? extends Throwable> type = expected.get().value();
            if (cause.isEmpty()) {
                return Optional.of(who + " was expected to terminate with a " + type.getName()
                        + " (@ExpectTermination), but it did not terminate");
            }
            if (!type.isInstance(cause.get())) {
                return Optional.of(who + " terminated with " + cause.get() + ", but @ExpectTermination expects a "
                        + type.getName());
            }
            return Optional.empty();
        }
        if (cause.isPresent() && settings.failOnTerminationValue()) {
            return Optional.of(who + " terminated unexpectedly with " + cause.get()
                    + " (annotate the test with @ExpectTermination if it is meant to)");
        }
        return Optional.empty();
    }
}
