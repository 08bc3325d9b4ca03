package dev.arbor.functional;

import dev.arbor.Supervisor;
import dev.arbor.SupervisorEvent.ServiceStarted;
import dev.arbor.SupervisorState;
import dev.arbor.support.Eventually;
import dev.arbor.testing.ManualClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Issue 8 item 3, listeners: a fatal JVM error thrown by a listener means the JVM is broken, as
 * when a run throws one, so the supervisor that owns the listener terminates with it (its root's
 * {@code run()} throws it). A StackOverflowError or any other throwable is a listener fault:
 * logged and skipped.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ListenerFatalErrorTest {
    private final ManualClock clock = new ManualClock();

    @Test
    void aFatalErrorFromTheListenerTerminatesTheTreeAndRunThrowsIt() throws Exception {
        OutOfMemoryError oom = new OutOfMemoryError("simulated, thrown by the listener");
        AtomicBoolean thrown = new AtomicBoolean();
        Supervisor root = Supervisor.builder("root").clock(clock).onEvent(event -> {
            if (event instanceof ServiceStarted && thrown.compareAndSet(false, true)) {
                throw oom;
            }
        }).build();
        root.add("worker", ctx -> ctx.awaitStop());

        CompletableFuture<Throwable> ran = CompletableFuture.supplyAsync(() -> {
            try {
                root.run();
                return null;
            } catch (Throwable t) {
                return t;
            }
        });
        assertThat(ran.get(10, TimeUnit.SECONDS)).isSameAs(oom);
        assertThat(root.terminationCause()).containsSame(oom);
        assertThat(root.state()).isEqualTo(SupervisorState.TERMINATED);
    }

    @Test
    void aStackOverflowFromTheListenerIsAnOrdinaryListenerFault() throws Exception {
        AtomicBoolean thrown = new AtomicBoolean();
        Supervisor root = Supervisor.builder("root").clock(clock).onEvent(event -> {
            if (event instanceof ServiceStarted && thrown.compareAndSet(false, true)) {
                throw new StackOverflowError("simulated");
            }
        }).build();
        root.add("worker", ctx -> ctx.awaitStop());
        root.start();
        Eventually.until("the listener threw", thrown::get);
        assertThat(root.awaitTermination(Duration.ofMillis(200))).isFalse();
        assertThat(root.state()).isEqualTo(SupervisorState.RUNNING);
        assertThat(root.stop().clean()).isTrue();
        assertThat(root.terminationCause()).isEmpty();
    }
}
