package dev.arbor.functional;

import dev.arbor.Supervisor;
import dev.arbor.support.EventLog;
import dev.arbor.testing.ManualClock;
import org.junit.jupiter.api.AfterEach;

import java.time.Duration;

/**
 * The fixture several tests of one supervisor share: "sup" on a {@link ManualClock}, with a 5 s
 * shutdown timeout and its events in an {@link EventLog}, and a {@link Hung} service to add to it.
 * After each test the hung run is released and the supervisor stopped (again, if the test did).
 */
abstract class HungChildFixture {
    final ManualClock clock = new ManualClock();
    final EventLog log = new EventLog();
    final Supervisor sup = Supervisor.builder("sup").clock(clock).onEvent(log)
            .shutdownTimeout(Duration.ofSeconds(5)).build();
    final Hung hung = new Hung();

    @AfterEach
    void releaseHungRunAndStop() throws InterruptedException {
        hung.release();
        sup.stop();
    }
}
