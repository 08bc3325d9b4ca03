package dev.arbor.junit5;

import dev.arbor.Supervisor;
import dev.arbor.TerminateTreeException;
import dev.arbor.SupervisorEvent.SupervisorTerminated;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import static dev.arbor.junit5.TerminationCheckTest.Samples.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.TestExecutionResult.Status.FAILED;
import static org.junit.platform.engine.TestExecutionResult.Status.SUCCESSFUL;

/** A supervisor that terminated fails the test, unless the test expects it (and then it must). */
@Timeout(60)
class TerminationCheckTest {

    @Test
    void anUnexpectedTerminationFailsTheTestWithTheCauseAttached() {
        Throwable failure = EngineRun.of(Terminates.class).requiredFailure("unexpected");

        assertThat(failure).hasMessageContaining("supervisor \"root\" terminated unexpectedly with")
                .hasMessageContaining("tree down")
                .hasMessageContaining("@ExpectTermination")
                .cause().isInstanceOf(TerminateTreeException.class).hasMessage("tree down");
    }

    @Test
    void anExpectedTerminationPasses() {
        assertThat(EngineRun.of(Terminates.class).statuses())
                .containsEntry("expected", SUCCESSFUL)
                .containsEntry("expectedAnyCause", SUCCESSFUL);
    }

    @Test
    void anExpectedTerminationThatDidNotHappenFailsTheTest() {
        assertThat(EngineRun.of(Terminates.class).requiredFailure("expectedButStoppedCleanly"))
                .hasMessageContaining("supervisor \"root\" was expected to terminate with a "
                        + TerminateTreeException.class.getName() + " (@ExpectTermination), but it did not terminate");
    }

    @Test
    void aTerminationWithAnotherCauseTypeFailsTheTest() {
        assertThat(EngineRun.of(Terminates.class).requiredFailure("expectedAnotherCause"))
                .hasMessageContaining("terminated with " + TerminateTreeException.class.getName() + ": tree down")
                .hasMessageContaining("but @ExpectTermination expects a java.lang.IllegalStateException");
    }

    @Test
    void anExpectationOnTheClassCoversItsNestedTests() {
        EngineRun run = EngineRun.of(ExpectedForTheClass.class);

        assertThat(run.statuses()).containsEntry("terminates", SUCCESSFUL)
                .containsEntry("terminatesToo", SUCCESSFUL).hasSize(2);
    }

    @Test
    void failOnTerminationFalseLetsATerminatedSupervisorPass() {
        assertThat(EngineRun.of(TerminationAllowed.class).statuses()).containsEntry("terminates", SUCCESSFUL);
    }

    static Supervisor terminating(Supervisor root, EventRecorder events) {
        root.add("fatal", ctx -> {
            throw new TerminateTreeException("tree down");
        });
        root.start();
        events.await(SupervisorTerminated.class, "root");
        return root;
    }

    /** Sample test classes, run by the tests above through the JUnit Platform; not run by Maven. */
    static final class Samples {
        private Samples() {
        }

        @ExtendWith(ArborExtension.class)
        static final class Terminates {
            @Test
            void unexpected(Supervisor root, EventRecorder events) {
                terminating(root, events);
            }

            @Test
            @ExpectTermination(TerminateTreeException.class)
            void expected(Supervisor root, EventRecorder events) {
                terminating(root, events);
            }

            @Test
            @ExpectTermination
            void expectedAnyCause(Supervisor root, EventRecorder events) {
                terminating(root, events);
            }

            @Test
            @ExpectTermination(TerminateTreeException.class)
            void expectedButStoppedCleanly(Supervisor root) {
                root.add("fine", ctx -> ctx.awaitStop());
                root.start();
            }

            @Test
            @ExpectTermination(IllegalStateException.class)
            void expectedAnotherCause(Supervisor root, EventRecorder events) {
                terminating(root, events);
            }
        }

        @ExtendWith(ArborExtension.class)
        @ExpectTermination(TerminateTreeException.class)
        static final class ExpectedForTheClass {
            @Test
            void terminates(Supervisor root, EventRecorder events) {
                terminating(root, events);
            }

            @Nested
            final class Inner {
                @Test
                void terminatesToo(Supervisor root, EventRecorder events) {
                    terminating(root, events);
                }
            }
        }

        static final class TerminationAllowed {
            @RegisterExtension
            static final ArborExtension arbor = ArborExtension.create().failOnTermination(false);

            @Test
            void terminates(Supervisor root, EventRecorder events) {
                terminating(root, events);
            }
        }
    }
}
