package dev.arbor.junit5;

import dev.arbor.Supervisor;
import dev.arbor.SupervisorEvent.ServiceStarted;
import dev.arbor.testing.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;

import static dev.arbor.junit5.NestedAndParallelTest.Samples.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.TestExecutionResult.Status.FAILED;
import static org.junit.platform.engine.TestExecutionResult.Status.SUCCESSFUL;

/** The extension inside @Nested classes and under JUnit's parallel execution. */
@Timeout(60)
class NestedAndParallelTest {

    @AfterEach
    void releaseStubbornThreads() throws InterruptedException {
        Stubborn.releaseAndJoin();
    }

    @Test
    void nestedTestsGetTheirOwnTreeAndTheOuterBeforeEachSeesIt() {
        EngineRun run = EngineRun.of(Outer.class);

        assertThat(run.statuses()).containsEntry("outerTest", SUCCESSFUL).containsEntry("innerTest", SUCCESSFUL)
                .containsEntry("innerStubborn", FAILED).hasSize(3);
        assertThat(run.requiredFailure("innerStubborn")).hasMessageContaining("thread \"root/stubborn\"")
                .hasMessageNotContaining("\"prepared\" under");
    }

    @Test
    void concurrentTestsEachStopAndCheckTheirOwnSupervisor() {
        Concurrent.roots.clear();
        EngineRun run = EngineRun.inParallel(Concurrent.class);

        assertThat(run.statuses()).containsEntry("first", SUCCESSFUL).containsEntry("second", SUCCESSFUL)
                .containsEntry("stubborn", FAILED).hasSize(3);
        assertThat(run.requiredFailure("stubborn")).hasMessageContaining("service \"stubborn\" under shared")
                .hasMessageNotContaining("\"first\"").hasMessageNotContaining("\"second\"");
        assertThat(Concurrent.roots).hasSize(3);
    }

    /** Sample test classes, run by the tests above through the JUnit Platform; not run by Maven. */
    static final class Samples {
        private Samples() {
        }

        @ExtendWith(ArborExtension.class)
        static class Outer {
            @BeforeEach
            void prepare(Supervisor root) {
                root.add("prepared", ctx -> ctx.awaitStop());
            }

            @Test
            void outerTest(Supervisor root, EventRecorder events) {
                root.start();
                events.await(ServiceStarted.class, "prepared");
            }

            @Nested
            class Inner {
                @Test
                void innerTest(Supervisor root, EventRecorder events) {
                    assertThat(root.children()).extracting(c -> c.name()).containsExactly("prepared");
                    root.start();
                    events.await(ServiceStarted.class, "prepared");
                }

                @Test
                void innerStubborn(Supervisor root) {
                    root.add("stubborn", Stubborn.service());
                    root.start();
                }
            }
        }

        /** Three tests that meet at a barrier, so they provably run at the same time. */
        static final class Concurrent {
            static final Set<Supervisor> roots = ConcurrentHashMap.newKeySet();
            static final CyclicBarrier together = new CyclicBarrier(3);

            @RegisterExtension
            static final ArborExtension arbor = ArborExtension.create().named("shared");

            @Test
            void first(Supervisor root, ManualClock clock, EventRecorder events) throws Exception {
                runTogether(root, clock, events, "first");
            }

            @Test
            void second(Supervisor root, ManualClock clock, EventRecorder events) throws Exception {
                runTogether(root, clock, events, "second");
            }

            @Test
            void stubborn(Supervisor root, ManualClock clock, EventRecorder events) throws Exception {
                root.add("stubborn", Stubborn.service());
                runTogether(root, clock, events, "third");
            }

            private static void runTogether(Supervisor root, ManualClock clock, EventRecorder events, String name)
                    throws Exception {
                roots.add(root);
                root.add(name, ctx -> ctx.awaitStop());
                root.start();
                together.await(10, TimeUnit.SECONDS);
                events.await(ServiceStarted.class, name);
                clock.advance(Duration.ofSeconds(1));
                assertThat(events.all(ServiceStarted.class)).extracting(ServiceStarted::service)
                        .as("only this test's children").allMatch(s -> s.equals(name) || s.equals("stubborn"));
                assertThat(clock.elapsed()).isEqualTo(Duration.ofSeconds(1));
            }
        }
    }
}
