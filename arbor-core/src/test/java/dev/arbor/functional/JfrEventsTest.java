package dev.arbor.functional;

import dev.arbor.Jitter;
import dev.arbor.Supervisor;
import dev.arbor.support.EventLog;
import dev.arbor.support.Puppet;
import dev.arbor.testing.ManualClock;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 10 item 2: supervision events are JDK Flight Recorder events, named {@code dev.arbor.*}
 * in category "Arbor", with the supervisor's path, the service and the cause as fields; read
 * here with a {@link RecordingStream}, as a monitoring agent would.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class JfrEventsTest {
    private static final List<String> NAMES = List.of("dev.arbor.ServiceStarted", "dev.arbor.ServiceFailed",
            "dev.arbor.ServiceCompleted", "dev.arbor.ServiceStopped", "dev.arbor.ServiceStopTimeout",
            "dev.arbor.BackoffStarted", "dev.arbor.BackoffEnded", "dev.arbor.SupervisorTerminated");

    @Test
    void aFailureARestartABackoffAndTheStopAreRecordedWithTheirFields() throws Exception {
        Map<String, List<RecordedEvent>> seen = new ConcurrentHashMap<>();
        CountDownLatch terminated = new CountDownLatch(1);
        ManualClock clock = new ManualClock();
        EventLog log = new EventLog();
        Puppet worker = new Puppet();
        try (RecordingStream stream = new RecordingStream()) {
            NAMES.forEach(name -> stream.enable(name));
            stream.setMaxAge(Duration.ofMinutes(1));
            stream.onEvent(e -> {
                if (e.getEventType().getName().startsWith("dev.arbor.")) {
                    seen.computeIfAbsent(e.getEventType().getName(), k -> new CopyOnWriteArrayList<>()).add(e);
                    if (e.getEventType().getName().equals("dev.arbor.SupervisorTerminated")
                            && "app/workers".equals(e.getString("supervisor"))) {
                        terminated.countDown();
                    }
                }
            });
            stream.startAsync();

            Supervisor workers = Supervisor.builder("workers").clock(clock).failureThreshold(0)
                    .failureBackoff(Duration.ofSeconds(2)).backoffJitter(Jitter.none()).build();
            workers.add("worker", worker);
            Supervisor app = Supervisor.builder("app").clock(clock).onEvent(log).build();
            app.add("workers", workers);
            app.start();
            worker.fail(new IllegalStateException("bad payload"));
            log.await(dev.arbor.SupervisorEvent.ServiceFailed.class, e -> true);
            clock.advance(Duration.ofSeconds(2));
            log.await(dev.arbor.SupervisorEvent.ServiceStarted.class, e -> e.restarts() == 1);
            app.stop();

            assertThat(terminated.await(30, TimeUnit.SECONDS)).as("JFR delivered the events").isTrue();
        }

        RecordedEvent failed = only(seen, "dev.arbor.ServiceFailed");
        assertThat(failed.getString("supervisor")).isEqualTo("app/workers");
        assertThat(failed.getString("service")).isEqualTo("worker");
        assertThat(failed.getClass("causeClass").getName()).isEqualTo(IllegalStateException.class.getName());
        assertThat(failed.getString("causeMessage")).isEqualTo("bad payload");
        assertThat(failed.getDouble("failures")).isEqualTo(1.0);
        assertThat(failed.getString("action")).isEqualTo("BACKOFF");
        assertThat(failed.getEventType().getCategoryNames()).containsExactly("Arbor");
        assertThat(failed.getEventType().getLabel()).isEqualTo("Service Failed");
        assertThat(failed.getStackTrace()).as("no stack trace: the cause is in the fields").isNull();
        assertThat(only(seen, "dev.arbor.BackoffStarted").getDuration("delay")).isEqualTo(Duration.ofSeconds(2));
        assertThat(seen.get("dev.arbor.ServiceStarted")).extracting(e -> e.getString("service") + "#" + e.getInt("restarts"))
                .contains("workers#0", "worker#0", "worker#1");
        assertThat(seen.get("dev.arbor.BackoffEnded")).hasSize(1);
        assertThat(seen.get("dev.arbor.ServiceStopped")).extracting(e -> e.getString("service"))
                .contains("worker", "workers");
    }

    private static RecordedEvent only(Map<String, List<RecordedEvent>> seen, String name) {
        assertThat(seen.get(name)).as(name).hasSize(1);
        return seen.get(name).get(0);
    }

}
