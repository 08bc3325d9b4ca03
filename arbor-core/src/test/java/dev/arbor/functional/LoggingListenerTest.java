package dev.arbor.functional;

import dev.arbor.ChildSpec;
import dev.arbor.EventListener;
import dev.arbor.Restart;
import dev.arbor.Supervisor;
import dev.arbor.SupervisorEvent;
import dev.arbor.SupervisorEvent.ServiceFailed;
import dev.arbor.SupervisorEvent.ServiceStarted;
import dev.arbor.support.ContextLog;
import dev.arbor.support.Puppet;
import dev.arbor.support.Stopper;
import dev.arbor.testing.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.ResourceBundle;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 13 item 4: the default logging is fit for production: one line per event, prefixed with
 * the supervisor's path, the stack trace only the first time a failure is seen, a level per kind
 * of event, and it composes with the user's own listener.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class LoggingListenerTest {
    /** One logged line. */
    record Line(Level level, String message, Throwable thrown) {}

    /** A System.Logger that records what it is given, every level enabled. */
    static final class RecordingLogger implements System.Logger {
        final List<Line> lines = new CopyOnWriteArrayList<>();

        @Override
        public String getName() {
            return "test";
        }

        @Override
        public boolean isLoggable(Level level) {
            return true;
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
            lines.add(new Line(level, msg, thrown));
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String format, Object... params) {
            lines.add(new Line(level, format, null));
        }

        @Override
        public void log(Level level, Supplier<String> msgSupplier) {
            lines.add(new Line(level, msgSupplier.get(), null));
        }

        List<Line> at(Level level) {
            return lines.stream().filter(l -> l.level() == level).toList();
        }
    }

    private final ManualClock clock = new ManualClock();
    private final RecordingLogger logger = new RecordingLogger();
    private final ContextLog mine = new ContextLog();
    private Supervisor root;

    @AfterEach
    void stop() throws Exception {
        Stopper.stop(root);
    }

    @Test
    void aRepeatedFailureLogsItsStackTraceOnceAndEveryLineNamesThePath() throws Exception {
        Puppet worker = new Puppet();
        Supervisor workers = Supervisor.builder("workers").clock(clock).build();
        workers.add("worker", worker);
        root = Supervisor.builder("app").clock(clock).listener(EventListener.logging(logger).andThen(mine)).build();
        root.add("workers", workers);
        root.start();
        mine.await(ServiceStarted.class, e -> e.service().equals("worker"));

        for (int i = 1; i <= 3; i++) {
            worker.fail(new IllegalStateException("bad payload " + i));
            mine.await(ServiceFailed.class, e -> true);
            mine.await(ServiceStarted.class, e -> e.service().equals("worker"));
        }

        List<Line> warnings = logger.at(Level.WARNING);
        assertThat(warnings).hasSize(3).allSatisfy(l ->
                assertThat(l.message()).startsWith("app/workers: worker failed: IllegalStateException: bad payload")
                        .contains("restarting"));
        assertThat(warnings.get(0).thrown()).isNotNull();
        assertThat(warnings.subList(1, 3)).allSatisfy(l -> {
            assertThat(l.thrown()).isNull();
            assertThat(l.message()).endsWith("(seen before; stack trace at DEBUG)");
        });
        assertThat(logger.at(Level.DEBUG)).filteredOn(l -> l.thrown() != null).hasSize(2);
        assertThat(logger.at(Level.DEBUG)).extracting(Line::message)
                .contains("app/workers: restarted worker (restart 1)");
    }

    @Test
    void aRemovedTemporaryChildSaysSoAndAStoppedRootLogsOneInfoLine() throws Exception {
        Puppet once = new Puppet();
        root = Supervisor.builder("app").clock(clock).listener(EventListener.logging(logger).andThen(mine)).build();
        root.add(ChildSpec.of("once", once).withRestart(Restart.TEMPORARY));
        root.start();
        mine.await(ServiceStarted.class, e -> true);
        once.fail();
        mine.await(ServiceFailed.class, e -> true);
        root.stop();

        assertThat(logger.at(Level.WARNING)).singleElement().satisfies(l ->
                assertThat(l.message()).contains("once failed").contains("removed (TEMPORARY)")
                        .doesNotContain("not restarting now"));
        assertThat(logger.at(Level.INFO)).extracting(Line::message).containsExactly("app: stopped");
        assertThat(logger.lines).allSatisfy(l -> assertThat(l.message()).doesNotContain("\n"));
    }

    @Test
    void andThenCallsTheSecondListenerEvenWhenTheFirstThrows() {
        List<String> calls = new ArrayList<>();
        EventListener throwing = (event, context) -> {
            calls.add("first");
            throw new IllegalStateException("first listener bug");
        };
        EventListener both = throwing.andThen((event, context) -> calls.add("second"));
        SupervisorEvent event = new SupervisorEvent.BackoffEnded("s");
        dev.arbor.EventContext context = new dev.arbor.EventContext(java.time.Instant.EPOCH, List.of("s"),
                java.util.Optional.empty(), java.util.Optional.empty());
        try {
            both.onEvent(event, context);
        } catch (IllegalStateException expected) {
            calls.add("rethrown");
        }
        assertThat(calls).containsExactly("first", "second", "rethrown");
    }
}
