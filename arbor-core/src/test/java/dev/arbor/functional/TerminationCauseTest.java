package dev.arbor.functional;

import dev.arbor.Supervisor;
import dev.arbor.SupervisorEvent.ServiceStarted;
import dev.arbor.SupervisorEvent.SupervisorTerminated;
import dev.arbor.TerminateTreeException;
import dev.arbor.support.EventLog;
import dev.arbor.testing.ManualClock;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;

/** API.md: {@code terminationCause()} is why it TERMINATED, if not by {@code stop()}. */
class TerminationCauseTest {
    private final ManualClock clock = new ManualClock();
    private final EventLog log = new EventLog();
    private final Supervisor sup = Supervisor.builder("sup").clock(clock).onEvent(log).build();

    @Test
    void emptyBeforeStartWhileRunningAndAfterStop() throws Exception {
        sup.add("worker", ctx -> ctx.awaitStop());
        assertThat(sup.terminationCause()).isEmpty();
        sup.start();
        log.next(ServiceStarted.class);
        assertThat(sup.terminationCause()).isEmpty();
        sup.stop();
        assertThat(sup.terminationCause()).isEmpty();
    }

    @Test
    void holdsTheTerminateTreeExceptionThatEndedIt() throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        TerminateTreeException bye = new TerminateTreeException("bye");
        sup.add("quitter", ctx -> {
            go.await();
            throw bye;
        });
        sup.start();
        assertThat(sup.terminationCause()).isEmpty();

        go.countDown();

        assertThat(log.await(SupervisorTerminated.class).cause()).isSameAs(bye);
        assertThat(sup.awaitTermination(Bound.BOUND)).isTrue();
        assertThat(sup.terminationCause()).containsSame(bye);
        // A later stop() changes nothing about why it terminated.
        assertThat(sup.stop().clean()).isTrue();
        assertThat(sup.terminationCause()).containsSame(bye);
    }
}
