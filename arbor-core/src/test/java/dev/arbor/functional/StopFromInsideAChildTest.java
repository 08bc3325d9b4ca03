package dev.arbor.functional;

import dev.arbor.Supervisor;
import dev.arbor.SupervisorEvent.ServiceStopped;
import dev.arbor.SupervisorState;
import dev.arbor.support.EventLog;
import dev.arbor.testing.ManualClock;
import org.junit.jupiter.api.Test;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A service that stops its own supervisor must not deadlock it (stop() waits for every child,
 * including the caller): the caller's own stop request interrupts its wait, so the caller can end.
 */
class StopFromInsideAChildTest {
    private final ManualClock clock = new ManualClock();
    private final EventLog log = new EventLog();
    private final Supervisor sup = Supervisor.builder("sup").clock(clock).onEvent(log).build();
    private final BlockingQueue<String> seen = new LinkedBlockingQueue<>();

    @Test
    void stopCalledByAChildIsInterruptedByItsOwnStopRequestAndTheSupervisorTerminates() throws Exception {
        sup.add("other", ctx -> ctx.awaitStop());
        sup.add("stopper", ctx -> {
            try {
                sup.stop();
                seen.add("stop returned");
            } catch (InterruptedException e) {
                seen.add("stop interrupted, stopping=" + ctx.isStopping());
            }
        });
        sup.start();

        assertThat(Bound.take(seen)).isEqualTo("stop interrupted, stopping=true");
        assertThat(sup.awaitTermination(Bound.BOUND)).isTrue();
        assertThat(sup.stop().clean()).isTrue();
        assertThat(sup.terminationCause()).isEmpty();
    }

    @Test
    void closeCalledByAChildReturnsWithTheInterruptFlagAndTheSupervisorTerminates() throws Exception {
        sup.add("closer", ctx -> {
            sup.close();
            seen.add("close returned, interrupted=" + Thread.currentThread().isInterrupted());
        });
        sup.start();

        assertThat(Bound.take(seen)).isEqualTo("close returned, interrupted=true");
        log.await(ServiceStopped.class);
        assertThat(sup.awaitTermination(Bound.BOUND)).isTrue();
        assertThat(sup.state()).isEqualTo(SupervisorState.TERMINATED);
        assertThat(sup.stop().clean()).isTrue();
    }
}
