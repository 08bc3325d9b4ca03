package dev.arbor;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The decisions of {@link SupervisorProcess} in this JVM: a fake JVM records exit and halt, and
 * plays a signal by starting the shutdown hook. The real JVM, signals and exit statuses are
 * proven by {@code dev.arbor.process.SupervisorProcessSignalTest}.
 */
class SupervisorProcessTest {
    private static final long WAIT = 10;   // seconds: an upper bound only

    private final FakeProcessControl jvm = new FakeProcessControl();
    private final List<String> stops = new CopyOnWriteArrayList<>();
    private final CountDownLatch releaseStubborn = new CountDownLatch(1);
    private final AtomicReference<Throwable> runFailure = new AtomicReference<>();
    private Thread runner;

    @AfterEach
    void releaseEverything() throws InterruptedException {
        releaseStubborn.countDown();
        if (runner != null) {
            runner.join(TimeUnit.SECONDS.toMillis(WAIT));
            assertThat(runner.isAlive()).as("run() ended").isFalse();
        }
    }

    // ---------------------------------------------------------------- requested stops

    @Test
    void aSignalStopsTheTreeInReverseOrderAndHaltsWithStopped() throws Exception {
        Supervisor root = quietRoot();
        CountDownLatch started = new CountDownLatch(3);
        for (String name : List.of("a", "b", "c")) {
            root.add(name, recording(name, started));
        }
        run(process(root).gracePeriod(Duration.ofSeconds(WAIT)));
        assertThat(started.await(WAIT, TimeUnit.SECONDS)).isTrue();

        jvm.signal();

        assertThat(jvm.halted.get(WAIT, TimeUnit.SECONDS)).isEqualTo(SupervisorProcess.STOPPED);
        assertThat(stops).containsExactly("c", "b", "a");
        assertThat(jvm.exited).as("the hook ends the JVM, the run thread does not call exit").isNotDone();
        runner.join(TimeUnit.SECONDS.toMillis(WAIT));
        assertThat(runner.isAlive()).as("the run thread waits for the hook, then (in a fake JVM) returns").isFalse();
    }

    @Test
    void stopCalledByTheApplicationExitsWithStoppedAndRemovesTheHook() throws Exception {
        Supervisor root = quietRoot();
        CountDownLatch started = new CountDownLatch(2);
        root.add("a", recording("a", started));
        root.add("b", recording("b", started));
        run(process(root));
        assertThat(started.await(WAIT, TimeUnit.SECONDS)).isTrue();

        assertThat(root.stop().clean()).isTrue();

        assertThat(jvm.exited.get(WAIT, TimeUnit.SECONDS)).isEqualTo(SupervisorProcess.STOPPED);
        assertThat(jvm.hookRemoved()).as("System.exit then runs the other hooks normally").isTrue();
        assertThat(jvm.halted).isNotDone();
        assertThat(stops).containsExactly("b", "a");
    }

    @Test
    void anInterruptOfTheRunThreadStopsTheTreeLikeASignal() throws Exception {
        Supervisor root = quietRoot();
        CountDownLatch started = new CountDownLatch(2);
        root.add("a", recording("a", started));
        root.add("b", recording("b", started));
        run(process(root));
        assertThat(started.await(WAIT, TimeUnit.SECONDS)).isTrue();

        runner.interrupt();

        assertThat(jvm.exited.get(WAIT, TimeUnit.SECONDS)).isEqualTo(SupervisorProcess.STOPPED);
        assertThat(stops).containsExactly("b", "a");
        assertThat(root.state()).isEqualTo(SupervisorState.TERMINATED);
    }

    // ---------------------------------------------------------------- terminations by itself

    @Test
    void aTreeThatTerminatesByItselfExitsWithTerminatedWithoutWaitingForASignal() throws Exception {
        Supervisor root = quietRoot();
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch terminate = new CountDownLatch(1);
        root.add("a", recording("a", started));
        root.add("judge", ctx -> {
            terminate.await();
            throw new TerminateTreeException("configuration is gone");
        });
        run(process(root));
        assertThat(started.await(WAIT, TimeUnit.SECONDS)).isTrue();

        terminate.countDown();

        assertThat(jvm.exited.get(WAIT, TimeUnit.SECONDS)).isEqualTo(SupervisorProcess.TERMINATED);
        assertThat(jvm.hookRemoved()).isTrue();
        assertThat(stops).containsExactly("a");
    }

    @Test
    void aFatalJvmErrorExitsWithFatalError() throws Exception {
        Supervisor root = quietRoot();
        root.add("leaky", ctx -> {
            throw new OutOfMemoryError("thrown by the test");
        });
        run(process(root));

        assertThat(jvm.exited.get(WAIT, TimeUnit.SECONDS)).isEqualTo(SupervisorProcess.FATAL_ERROR);
    }

    @Test
    void aRegisteredCauseGetsItsOwnStatus() throws Exception {
        Supervisor root = quietRoot();
        root.add("config", ctx -> {
            throw new BadConfiguration();
        });
        run(process(root).exitStatus(BadConfiguration.class, 78));

        assertThat(jvm.exited.get(WAIT, TimeUnit.SECONDS)).isEqualTo(78);
    }

    // ---------------------------------------------------------------- services left running

    @Test
    void aChildThatOutlivesTheGracePeriodEndsTheJvmWithUnstoppedWhenTheGracePeriodEnds() throws Exception {
        Duration grace = Duration.ofMillis(300);
        Supervisor root = quietRoot();
        CountDownLatch started = new CountDownLatch(2);
        root.add("a", recording("a", started));
        root.add(ChildSpec.of("stubborn", stubborn(started)).withShutdownTimeout(Duration.ofDays(1)));
        run(process(root).gracePeriod(grace));
        assertThat(started.await(WAIT, TimeUnit.SECONDS)).isTrue();

        long before = System.nanoTime();
        jvm.signal();
        int status = jvm.halted.get(WAIT, TimeUnit.SECONDS);
        Duration took = Duration.ofNanos(System.nanoTime() - before);

        assertThat(status).isEqualTo(SupervisorProcess.UNSTOPPED);
        assertThat(took).isGreaterThanOrEqualTo(grace).isLessThan(grace.plusSeconds(5));
        assertThat(stops).as("a waits behind stubborn in reverse order").isEmpty();
    }

    @Test
    void aChildAbandonedAfterItsShutdownTimeoutEndsTheJvmWithUnstopped() throws Exception {
        Supervisor root = quietRoot();
        CountDownLatch started = new CountDownLatch(2);
        root.add("a", recording("a", started));
        root.add(ChildSpec.of("stubborn", stubborn(started)).withShutdownTimeout(Duration.ZERO));
        run(process(root).gracePeriod(Duration.ofSeconds(WAIT)));
        assertThat(started.await(WAIT, TimeUnit.SECONDS)).isTrue();

        jvm.signal();

        assertThat(jvm.halted.get(WAIT, TimeUnit.SECONDS)).isEqualTo(SupervisorProcess.UNSTOPPED);
        assertThat(stops).containsExactly("a");
    }

    // ---------------------------------------------------------------- races between the two ends

    @Test
    void aSignalAfterTheRunThreadDecidedHaltsWithTheRunThreadsStatus() throws Exception {
        Supervisor root = quietRoot();
        CountDownLatch terminate = new CountDownLatch(1);
        root.add("judge", ctx -> {
            terminate.await();
            throw new TerminateTreeException("done");
        });
        jvm.beforeRemove = () -> {
            try {
                jvm.signal();   // the JVM's shutdown begins just as the run thread removes its hook
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        };
        run(process(root));

        terminate.countDown();

        assertThat(jvm.halted.get(WAIT, TimeUnit.SECONDS)).isEqualTo(SupervisorProcess.TERMINATED);
        assertThat(jvm.exited.get(WAIT, TimeUnit.SECONDS)).isEqualTo(SupervisorProcess.TERMINATED);
    }

    @Test
    void aSignalWhileTheTreeTerminatesByItselfStillReportsTheTermination() throws Exception {
        Supervisor root = quietRoot();
        root.add("judge", ctx -> {
            throw new TerminateTreeException("done");
        });
        run(process(root));
        assertThat(root.awaitTermination(Duration.ofSeconds(WAIT))).isTrue();

        jvm.signal();   // may find the run thread before or after its decision: the status is the same

        CompletableFuture<Integer> first = CompletableFuture.anyOf(jvm.halted, jvm.exited).thenApply(o -> (Integer) o);
        assertThat(first.get(WAIT, TimeUnit.SECONDS)).isEqualTo(SupervisorProcess.TERMINATED);
    }

    // ---------------------------------------------------------------- misuse

    @Test
    void runTwiceIsRefused() throws Exception {
        Supervisor root = quietRoot();
        SupervisorProcess process = process(root).build();
        runner = Thread.ofPlatform().start(process::run);
        jvm.hookThread();

        assertThatThrownBy(process::run).isInstanceOf(IllegalStateException.class).hasMessageContaining("runs once");
        root.stop();
    }

    @Test
    void aRootThatCannotStartIsRefusedAndLeavesNoHook() throws Exception {
        Supervisor root = quietRoot();
        root.start();
        try {
            assertThatThrownBy(() -> process(root).build().run()).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("already started");
            assertThat(jvm.hookRemoved()).isTrue();
        } finally {
            root.stop();
        }
    }

    @Test
    void theBuilderNamesBadValues() {
        Supervisor root = quietRoot();
        assertThatThrownBy(() -> SupervisorProcess.builder(null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("root");
        SupervisorProcess.Builder b = SupervisorProcess.builder(root);
        assertThatThrownBy(() -> b.gracePeriod(Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("gracePeriod must be >= 0, was PT-0.001S");
        assertThatThrownBy(() -> b.gracePeriod(null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("gracePeriod");
        assertThatThrownBy(() -> b.exitStatus(null, 3)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("type");
        assertThatThrownBy(() -> b.exitStatus(BadConfiguration.class, 126)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("was 126");
        assertThatThrownBy(() -> b.exitStatus(BadConfiguration.class, -1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("was -1");
    }

    // ---------------------------------------------------------------- the decision, as a function

    @Test
    void theExitStatusFollowsTheDocumentedTable() {
        List<SupervisorProcess.CauseStatus> none = List.of();
        assertThat(SupervisorProcess.exitStatus(Optional.empty(), true, none)).isEqualTo(0);
        assertThat(SupervisorProcess.exitStatus(Optional.empty(), false, none)).isEqualTo(12);
        assertThat(SupervisorProcess.exitStatus(Optional.of(new TerminateTreeException()), true, none)).isEqualTo(10);
        assertThat(SupervisorProcess.exitStatus(Optional.of(new TerminateTreeException()), false, none))
                .as("the termination decides over the report").isEqualTo(10);
        assertThat(SupervisorProcess.exitStatus(Optional.of(new IllegalStateException("any other cause")), true, none))
                .isEqualTo(10);
        assertThat(SupervisorProcess.exitStatus(Optional.of(new OutOfMemoryError()), true, none)).isEqualTo(11);
        assertThat(SupervisorProcess.exitStatus(Optional.of(new InternalError()), false, none)).isEqualTo(11);
        assertThat(SupervisorProcess.exitStatus(Optional.of(new StackOverflowError()), true, none))
                .as("not fatal, as for the supervisor").isEqualTo(10);
    }

    @Test
    void aRegisteredTypeMatchesDownTheCauseChainButNeverOverridesAFatalError() {
        List<SupervisorProcess.CauseStatus> map = List.of(
                new SupervisorProcess.CauseStatus(BadConfiguration.class, 78),
                new SupervisorProcess.CauseStatus(TerminateTreeException.class, 20),
                new SupervisorProcess.CauseStatus(OutOfMemoryError.class, 3));
        assertThat(SupervisorProcess.exitStatus(Optional.of(new BadConfiguration()), true, map))
                .as("first registered type that matches").isEqualTo(78);
        assertThat(SupervisorProcess.exitStatus(Optional.of(new TerminateTreeException()), true, map)).isEqualTo(20);
        assertThat(SupervisorProcess.exitStatus(
                Optional.of(new TerminateTreeException("wrapper", new BadConfiguration())), true, map))
                .as("the cause itself before its causes").isEqualTo(20);
        assertThat(SupervisorProcess.exitStatus(
                Optional.of(new RuntimeException("wrapper", new BadConfiguration())), true, map))
                .as("down the chain").isEqualTo(78);
        assertThat(SupervisorProcess.exitStatus(Optional.of(new OutOfMemoryError()), true, map)).isEqualTo(11);
    }

    @Test
    void registeringATypeAgainReplacesItsStatusInPlace() throws Exception {
        Supervisor root = quietRoot();
        root.add("config", ctx -> {
            throw new BadConfiguration();
        });
        run(process(root).exitStatus(BadConfiguration.class, 30).exitStatus(TerminateTreeException.class, 40)
                .exitStatus(BadConfiguration.class, 31));

        assertThat(jvm.exited.get(WAIT, TimeUnit.SECONDS)).isEqualTo(31);
    }

    // ---------------------------------------------------------------- helpers

    /** A root whose events are dropped: the default logging would only add noise to the build. */
    private static Supervisor quietRoot() {
        return Supervisor.builder("app").onEvent(event -> { }).build();
    }

    private SupervisorProcess.Builder process(Supervisor root) {
        return SupervisorProcess.builder(root).control(jvm);
    }

    private void run(SupervisorProcess.Builder builder) throws Exception {
        SupervisorProcess process = builder.build();
        runner = Thread.ofPlatform().name("test-main").start(() -> {
            try {
                process.run();
            } catch (Throwable t) {
                runFailure.set(t);
            }
        });
        jvm.hookThread();
    }

    /** Runs until stopped, then records its name. */
    private Service recording(String name, CountDownLatch started) {
        return ctx -> {
            started.countDown();
            try {
                ctx.awaitStop();
            } finally {
                stops.add(name);
            }
        };
    }

    /** Ignores its stop request until the test ends. */
    private Service stubborn(CountDownLatch started) {
        return ctx -> {
            started.countDown();
            while (true) {
                try {
                    releaseStubborn.await();
                    return;
                } catch (InterruptedException ignored) {
                    // ignores its stop: the point of this child
                }
            }
        };
    }

    /** A termination cause a restart cannot cure. */
    static final class BadConfiguration extends TerminateTreeException {
        private static final long serialVersionUID = 1L;
    }
}
