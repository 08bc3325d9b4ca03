package dev.arbor.junit5;

import dev.arbor.Supervisor;
import dev.arbor.SupervisorEvent.ServiceFailed;
import dev.arbor.SupervisorEvent.ServiceStarted;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The README's example of the test kit, compiled and run as it stands there. */
@ExtendWith(ArborExtension.class)
class ReadmeExampleTest {
    @Test
    void aCrashedWorkerIsRestarted(Supervisor root, EventRecorder events) {
        AtomicInteger runs = new AtomicInteger();
        root.add("worker", ctx -> { if (runs.getAndIncrement() == 0) throw new IOException("boom"); ctx.awaitStop(); });
        root.start();
        assertThat(events.await(ServiceFailed.class, "worker").cause()).hasMessage("boom");
        assertThat(events.await(ServiceStarted.class, "worker", s -> s.restarts() == 1)).isNotNull();
    }
}
