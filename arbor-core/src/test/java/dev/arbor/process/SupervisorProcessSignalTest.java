package dev.arbor.process;

import dev.arbor.SupervisorProcess;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * {@link SupervisorProcess} in a real JVM of its own ({@link ProcessFixture}), sent real signals:
 * the stop order (each service prints as it stops), the time from the signal to the end of the
 * JVM, and the exit status. Readiness is a line on stdout, never a sleep.
 */
class SupervisorProcessSignalTest {
    /** The order of a REVERSE stop of app = [a, b, inner = [c], ready]. */
    private static final String[] STOP_ORDER = {"stopped ready", "stopped c", "stopped b", "stopped a"};
    private static final Duration GRACE = Duration.ofSeconds(10);
    /** The JVM's own exit after the hook, and a loaded machine. */
    private static final Duration MARGIN = Duration.ofSeconds(4);

    @Test
    void sigtermStopsTheTreeInOrderAndExitsWithStopped() throws Exception {
        try (ChildJvm jvm = ChildJvm.start(ProcessFixture.class, "tree", Long.toString(GRACE.toMillis()))) {
            jvm.awaitStdout("ready");

            jvm.sigterm();

            assertThat(jvm.awaitExit()).isEqualTo(SupervisorProcess.STOPPED);
            assertThat(jvm.stdout()).containsSubsequence(STOP_ORDER).containsOnlyOnce(STOP_ORDER);
            assertThat(jvm.signalToExit()).isLessThan(GRACE);
            assertThat(jvm.stderr()).contains("app: stopped cleanly in");
        }
    }

    @Test
    void sigintStopsTheTreeInOrderAndExitsWithStopped() throws Exception {
        try (ChildJvm jvm = ChildJvm.start(ProcessFixture.class, "tree", Long.toString(GRACE.toMillis()))) {
            jvm.awaitStdout("ready");
            assumeFalse(jvm.ignoresSigint(), "this JVM was started with SIGINT ignored (a background job of a "
                    + "non-interactive shell), so neither Ctrl-C nor kill -INT can reach it");

            jvm.sigint();

            assertThat(jvm.awaitExit()).isEqualTo(SupervisorProcess.STOPPED);
            assertThat(jvm.stdout()).containsSubsequence(STOP_ORDER);
            assertThat(jvm.signalToExit()).isLessThan(GRACE);
        }
    }

    @Test
    void aTreeThatTerminatesByItselfExitsWithTerminatedWithoutASignal() throws Exception {
        try (ChildJvm jvm = ChildJvm.start(ProcessFixture.class, "terminate", Long.toString(GRACE.toMillis()))) {
            jvm.awaitStdout("ready");

            jvm.writeLine("please terminate");

            assertThat(jvm.awaitExit()).isEqualTo(SupervisorProcess.TERMINATED);
            assertThat(jvm.stdout()).containsSubsequence("stopped c", "stopped b", "stopped a")
                    .doesNotContain("stopped ready");
            assertThat(jvm.stderr()).contains("app: terminated by dev.arbor.TerminateTreeException: asked to on "
                    + "standard input: please terminate; exit status " + SupervisorProcess.TERMINATED);
        }
    }

    @Test
    void aChildThatIgnoresItsStopEndsTheJvmWithUnstoppedWhenTheGracePeriodEnds() throws Exception {
        Duration grace = Duration.ofSeconds(1);
        try (ChildJvm jvm = ChildJvm.start(ProcessFixture.class, "stubborn", Long.toString(grace.toMillis()))) {
            jvm.awaitStdout("ready");

            jvm.sigterm();

            assertThat(jvm.awaitExit()).isEqualTo(SupervisorProcess.UNSTOPPED);
            assertThat(jvm.signalToExit()).isGreaterThanOrEqualTo(grace).isLessThan(grace.plus(MARGIN));
            assertThat(jvm.stdout()).as("stops in order: ready, then stubborn, which holds up the rest")
                    .containsSubsequence("stopped ready", "ignoring my stop").doesNotContain("stopped b");
            assertThat(jvm.stderr()).contains("arbor: app: still stopping after the grace period of PT1S; "
                    + "still running: [app/a (RUNNING), app/b (RUNNING), app/inner/c (RUNNING), app/stubborn (STOPPING)]")
                    .contains("exit status " + SupervisorProcess.UNSTOPPED);
        }
    }
}
