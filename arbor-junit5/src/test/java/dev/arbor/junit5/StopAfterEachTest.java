package dev.arbor.junit5;

import dev.arbor.ChildSpec;
import dev.arbor.Supervisor;
import dev.arbor.SupervisorState;
import dev.arbor.SupervisorEvent.ServiceFailed;
import dev.arbor.SupervisorEvent.ServiceStarted;
import dev.arbor.testing.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.opentest4j.AssertionFailedError;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static dev.arbor.junit5.StopAfterEachTest.Samples.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.TestExecutionResult.Status.FAILED;
import static org.junit.platform.engine.TestExecutionResult.Status.SUCCESSFUL;

/** After each test the extension stops the supervisor, never hangs on a stubborn child, and reports it. */
@Timeout(60)
class StopAfterEachTest {

    /** The stubborn samples run once: each costs the extension's shutdown grace of real time. */
    private static EngineRun ignoresStop;

    @BeforeAll
    static void runTheStubbornSamples() throws InterruptedException {
        ignoresStop = EngineRun.of(IgnoresStop.class);
        Stubborn.releaseAndJoin();
    }

    @AfterEach
    void releaseStubbornThreads() throws InterruptedException {
        Stubborn.releaseAndJoin();
    }

    @Test
    void aTestWhoseChildrenStopPasses() {
        EngineRun run = EngineRun.of(Cooperative.class);

        assertThat(run.statuses()).containsEntry("failsOnceAndIsRestarted", SUCCESSFUL)
                .containsEntry("neverStarted", SUCCESSFUL).hasSize(2);
        assertThat(Cooperative.used.get().state()).as("stopped by the extension").isEqualTo(SupervisorState.TERMINATED);
    }

    @Test
    void aChildThatIgnoresItsStopFailsTheTestNamingTheServiceAndItsThread() {
        assertThat(ignoresStop.statuses()).containsEntry("stubbornChild", FAILED);
        Throwable failure = ignoresStop.requiredFailure("stubbornChild");
        assertThat(failure).isInstanceOf(AssertionFailedError.class)
                .hasMessageContaining("supervisor \"root\" did not stop cleanly")
                .hasMessageContaining("service \"stubborn\" under root")
                .hasMessageContaining("thread \"root/stubborn\"")
                .hasMessageContaining("gave the children PT0.5S of real time to react, then advanced the ManualClock")
                .hasMessageNotContaining("\"polite\" under");
    }

    @Test
    void aChildThatTakesRealTimeToStopIsGivenTheGraceAndNotReported() {
        assertThat(ignoresStop.statuses()).containsEntry("slowButCooperativeChild", SUCCESSFUL);
    }

    @Test
    void theStopOfAStubbornChildTakesAboutTheGraceOfRealTimeNotItsShutdownTimeout() {
        long start = System.nanoTime();
        EngineRun run = EngineRun.of(OneStubbornChild.class);

        assertThat(run.statuses()).containsEntry("stubbornChild", FAILED);
        // The default 10 s shutdown timeout is on the ManualClock: the extension advanced it.
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void aHugeShutdownTimeoutIsStillDrivenPastWithinTheRealTimeBound() {
        assertThat(ignoresStop.requiredFailure("stubbornChildWithThirtyDayTimeout"))
                .hasMessageContaining("service \"patient\" under root")
                .hasMessageContaining("thread \"root/patient\"");
    }

    @Test
    void aStubbornChildOfAChildSupervisorIsReportedWithItsPath() {
        assertThat(ignoresStop.requiredFailure("stubbornGrandchild"))
                .hasMessageContaining("service \"stubborn\" under root/mid")
                .hasMessageContaining("thread \"mid/stubborn\"");
    }

    @Test
    void aTestThatAlreadyFailedKeepsItsFailureAndGetsTheStopReportAsSuppressed() {
        Throwable failure = ignoresStop.requiredFailure("failsItselfAndLeavesAStubbornChild");
        assertThat(failure).hasMessage("the test's own failure");
        assertThat(failure.getSuppressed()).singleElement().asInstanceOf(
                        org.assertj.core.api.InstanceOfAssertFactories.THROWABLE)
                .hasMessageContaining("thread \"root/stubborn\"");
    }

    @Test
    void aStopThatCannotReturnWithinTheRealTimeBoundFailsTheTestInsteadOfHanging() throws InterruptedException {
        EngineRun run = EngineRun.of(NoTimeToStop.class);

        assertThat(run.requiredFailure("stopGetsNoRealTime"))
                .hasMessageContaining("stop() of supervisor \"root\" did not return within PT0S of real time")
                .hasMessageContaining("the thread \"arbor-junit5 stop of root\" is left waiting in it");
        // Let the abandoned stop finish, so that the sample leaves no thread behind.
        NoTimeToStop.clock.get().advance(Duration.ofSeconds(10));
        assertThat(NoTimeToStop.supervisor.get().awaitTermination(Duration.ofSeconds(10))).isTrue();
    }

    /** Sample test classes, run by the tests above through the JUnit Platform; not run by Maven. */
    static final class Samples {
        private Samples() {
        }

        @ExtendWith(ArborExtension.class)
        static final class Cooperative {
            static final AtomicReference<Supervisor> used = new AtomicReference<>();

            @Test
            void failsOnceAndIsRestarted(Supervisor root, EventRecorder events) {
                used.set(root);
                AtomicInteger runs = new AtomicInteger();
                root.add("worker", ctx -> {
                    if (runs.getAndIncrement() == 0) {
                        throw new IllegalStateException("first run fails");
                    }
                    ctx.awaitStop();
                });
                root.add("polite", ctx -> ctx.awaitStop());
                root.start();

                assertThat(events.await(ServiceFailed.class, "worker").cause()).hasMessage("first run fails");
                assertThat(events.await(ServiceStarted.class, "worker", s -> s.restarts() == 1)).isNotNull();
                assertThat(root.state()).isEqualTo(SupervisorState.RUNNING);
            }

            @Test
            void neverStarted(Supervisor root) {
                root.add("idle", ctx -> ctx.awaitStop());
            }
        }

        @ExtendWith(ArborExtension.class)
        static final class IgnoresStop {
            @Test
            void stubbornChild(Supervisor root) {
                root.add("polite", ctx -> ctx.awaitStop());
                root.add("stubborn", Stubborn.service());
                root.start();
            }

            @Test
            void slowButCooperativeChild(Supervisor root) {
                root.add("slow", ctx -> {
                    ctx.awaitStop();
                    Thread.sleep(50);   // stands for real cleanup work after the stop request
                });
                root.start();
            }

            @Test
            void stubbornChildWithThirtyDayTimeout(Supervisor root) {
                root.add(ChildSpec.of("patient", Stubborn.service()).withShutdownTimeout(Duration.ofDays(30)));
                root.start();
            }

            @Test
            void stubbornGrandchild(Supervisor root, ManualClock clock) {
                Supervisor mid = Supervisor.builder("mid").clock(clock).build();
                mid.add("stubborn", Stubborn.service());
                root.add("mid", mid);
                root.start();
            }

            @Test
            void failsItselfAndLeavesAStubbornChild(Supervisor root) {
                root.add("stubborn", Stubborn.service());
                root.start();
                throw new AssertionError("the test's own failure");
            }
        }

        @ExtendWith(ArborExtension.class)
        static final class OneStubbornChild {
            @Test
            void stubbornChild(Supervisor root) {
                root.add("stubborn", Stubborn.service());
                root.start();
            }
        }

        static final class NoTimeToStop {
            static final AtomicReference<ManualClock> clock = new AtomicReference<>();
            static final AtomicReference<Supervisor> supervisor = new AtomicReference<>();

            @RegisterExtension
            final ArborExtension arbor = ArborExtension.create().stopTimeout(Duration.ZERO);

            @Test
            void stopGetsNoRealTime(Supervisor root, ManualClock manualClock) {
                clock.set(manualClock);
                supervisor.set(root);
                root.add("stubborn", Stubborn.service());
                root.start();
            }
        }
    }
}
