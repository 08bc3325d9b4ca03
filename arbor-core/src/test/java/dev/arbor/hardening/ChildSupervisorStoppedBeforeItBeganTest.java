package dev.arbor.hardening;

import dev.arbor.ServiceRef;
import dev.arbor.Supervisor;
import dev.arbor.SupervisorEvent.ServiceStopped;
import dev.arbor.SupervisorState;
import dev.arbor.support.EventLog;
import dev.arbor.testing.ManualClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * RELIABILITY.md open finding 3: a child supervisor whose run was stopped before it began stayed
 * NEW for good, so {@code awaitTermination} never returned true. It now ends TERMINATED, like any
 * ended run, before its parent reports that run's end.
 */
class ChildSupervisorStoppedBeforeItBeganTest {
    @Test
    void aChildSupervisorWhoseRunIsStoppedBeforeItBeginsEndsTerminated() throws Exception {
        EventLog log = new EventLog();
        AtomicReference<Supervisor> parentRef = new AtomicReference<>();
        AtomicReference<ServiceRef> subRef = new AtomicReference<>();
        // The parent makes the leaf's thread after the sub's run is attached and before the sub is
        // begun (that happens once the parent's lock is released): removing the sub there stops
        // its run before it began, deterministically.
        Supervisor parent = Supervisor.builder("parent").clock(new ManualClock()).onEvent(log)
                .threadFactory(body -> {
                    parentRef.get().remove(subRef.get());
                    return Thread.ofVirtual().unstarted(body);
                })
                .build();
        parentRef.set(parent);
        Supervisor sub = Supervisor.create("sub");
        subRef.set(parent.add("sub", sub));
        parent.add("leaf", ctx -> ctx.awaitStop());

        parent.start();

        log.await(ServiceStopped.class, e -> e.service().equals("sub"));
        assertThat(sub.state()).isEqualTo(SupervisorState.TERMINATED);
        assertThat(sub.awaitTermination(Duration.ZERO)).isTrue();
        assertThat(parent.children()).extracting(c -> c.name()).containsExactly("leaf");
        assertThat(parent.stop().clean()).isTrue();
    }
}
