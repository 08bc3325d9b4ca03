package dev.arbor.junit5;

import dev.arbor.Strategy;
import dev.arbor.Supervisor;
import dev.arbor.SupervisorEvent.BackoffStarted;
import dev.arbor.SupervisorEvent.ServiceFailed;
import dev.arbor.SupervisorState;
import dev.arbor.testing.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static dev.arbor.junit5.ParameterInjectionTest.Samples.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.TestExecutionResult.Status.SUCCESSFUL;

/** What the extension injects, where, and how it is configured. */
@Timeout(60)
class ParameterInjectionTest {

    @Test
    void eachTestGetsItsOwnClockSupervisorAndRecorderSharedWithItsBeforeAndAfterEach() {
        SameWithinATest.seen.clear();
        EngineRun run = EngineRun.of(SameWithinATest.class);

        assertThat(run.statuses()).containsEntry("first", SUCCESSFUL).containsEntry("second", SUCCESSFUL)
                .hasSize(2);
        assertThat(SameWithinATest.seen).as("three objects per test, none shared between tests").hasSize(6);
    }

    @Test
    void theInjectedSupervisorIsNamedRootNotStartedAndOnTheInjectedClock() {
        assertThat(EngineRun.of(Defaults.class).statuses()).containsEntry("defaults", SUCCESSFUL);
    }

    @Test
    void configureAndNamedShapeTheSupervisorWhileTheClockStaysTheExtensions() {
        assertThat(EngineRun.of(Configured.class).statuses()).containsEntry("backsOffAtTheFirstFailure", SUCCESSFUL);
    }

    @Test
    void aConstructorOrBeforeAllParameterIsRefusedWithAMessageSayingWhere() {
        assertThat(EngineRun.of(ConstructorInjection.class).requiredFailure("unreachable"))
                .isInstanceOf(ParameterResolutionException.class)
                .hasMessageContaining("ArborExtension injects Supervisor only into test methods and"
                        + " @BeforeEach/@AfterEach methods");
        EngineRun beforeAll = EngineRun.of(BeforeAllInjection.class);
        assertThat(beforeAll.statuses()).isEmpty();
        assertThat(beforeAll.containerFailures()).singleElement().asString()
                .contains("ArborExtension injects Supervisor only into test methods");
    }

    @Test
    void aTestWithoutArborParametersGetsNoSupervisorAndPasses() {
        assertThat(EngineRun.of(NoParameters.class).statuses()).containsEntry("plain", SUCCESSFUL);
    }

    /** Sample test classes, run by the tests above through the JUnit Platform; not run by Maven. */
    static final class Samples {
        private Samples() {
        }

        @ExtendWith(ArborExtension.class)
        static final class SameWithinATest {
            static final Set<Object> seen = ConcurrentHashMap.newKeySet();
            private List<Object> before;

            @BeforeEach
            void before(ManualClock clock, Supervisor root, EventRecorder events) {
                before = List.of(clock, root, events);
            }

            @Test
            void first(ManualClock clock, Supervisor root, EventRecorder events) {
                assertThat(List.of(clock, root, events)).containsExactlyElementsOf(before);
            }

            @Test
            void second(EventRecorder events, Supervisor root, ManualClock clock) {
                assertThat(List.of(clock, root, events)).containsExactlyElementsOf(before);
            }

            @AfterEach
            void after(ManualClock clock, Supervisor root, EventRecorder events) {
                assertThat(List.of(clock, root, events)).containsExactlyElementsOf(before);
                seen.addAll(before);
            }
        }

        @ExtendWith(ArborExtension.class)
        static final class Defaults {
            @Test
            void defaults(Supervisor root, ManualClock clock, EventRecorder events) {
                assertThat(root.name()).isEqualTo("root");
                assertThat(root.state()).isEqualTo(SupervisorState.NEW);
                root.add("worker", ctx -> {
                    throw new IllegalStateException("boom");
                });
                root.start();
                // Six failures at one instant pass the default threshold of 5: a backoff on the clock.
                events.await(BackoffStarted.class, "root");
                assertThat(clock.pendingTasks()).isPositive();
                // BackoffStarted comes before the ServiceFailed that caused it, which waits for the backoff.
                events.await(ServiceFailed.class, "worker", failed -> !failed.restarting());
                assertThat(events.all(ServiceFailed.class)).hasSize(6);
            }
        }

        static final class Configured {
            @RegisterExtension
            final ArborExtension arbor = ArborExtension.create().named("tree")
                    .configure(b -> b.strategy(Strategy.ONE_FOR_ALL))
                    .configure(b -> b.failureThreshold(0).failureBackoff(Duration.ofSeconds(5)))
                    .configure(b -> b.clock(dev.arbor.SupervisorClock.system()).onEvent(event -> { }));

            @Test
            void backsOffAtTheFirstFailure(Supervisor root, ManualClock clock, EventRecorder events) {
                assertThat(root.name()).isEqualTo("tree");
                root.add("worker", ctx -> {
                    throw new IllegalStateException("boom");
                });
                root.start();
                BackoffStarted backoff = events.await(BackoffStarted.class, "tree");
                assertThat(backoff.delay()).isBetween(Duration.ofSeconds(5), Duration.ofMillis(7500));
                assertThat(events.await(ServiceFailed.class, "worker").restarting()).isFalse();
                assertThat(root.state()).isEqualTo(SupervisorState.BACKOFF);
                clock.advance(Duration.ofSeconds(8));
                events.await(dev.arbor.SupervisorEvent.BackoffEnded.class, "tree");
            }
        }

        @ExtendWith(ArborExtension.class)
        static final class ConstructorInjection {
            ConstructorInjection(Supervisor root) {
                root.start();
            }

            @Test
            void unreachable() {
            }
        }

        @ExtendWith(ArborExtension.class)
        static final class BeforeAllInjection {
            @BeforeAll
            static void beforeAll(Supervisor root) {
                root.start();
            }

            @Test
            void unreachable() {
            }
        }

        @ExtendWith(ArborExtension.class)
        static final class NoParameters {
            @Test
            void plain() {
                assertThat(1 + 1).isEqualTo(2);
            }
        }
    }
}
