package dev.arbor.functional;

import dev.arbor.ChildInfo;
import dev.arbor.ChildSpec;
import dev.arbor.ChildState;
import dev.arbor.Jitter;
import dev.arbor.Strategy;
import dev.arbor.Supervisor;
import dev.arbor.SupervisorEvent;
import dev.arbor.SupervisorEvent.ServiceStarted;
import dev.arbor.SupervisorEvent.ServiceStopped;
import dev.arbor.support.EventLog;
import dev.arbor.support.Stopper;
import dev.arbor.testing.ManualClock;
import org.junit.jupiter.api.AfterEach;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fixture {@link OneForAllTest} and {@link RestForOneTest} share: {@link Sibling} children under
 * one supervisor "sup" of the given strategy, on a {@link ManualClock}, with their events in an
 * {@link EventLog} and their stops in a journal.
 */
abstract class SiblingStrategyFixture {
    final ManualClock clock = new ManualClock();
    final EventLog log = new EventLog();
    final List<String> journal = Collections.synchronizedList(new ArrayList<>());
    final Map<String, Sibling> siblings = new LinkedHashMap<>();
    Supervisor sup;
    private final Strategy strategy;

    SiblingStrategyFixture(Strategy strategy) {
        this.strategy = strategy;
    }

    @AfterEach
    void stop() throws Exception {
        siblings.values().forEach(Sibling::release);
        Stopper.stop(sup);
    }

    Supervisor.Builder builder() {
        return Supervisor.builder("sup").strategy(strategy).clock(clock).onEvent(log)
                .failureThreshold(100).backoffJitter(Jitter.none()).failureBackoff(Duration.ofSeconds(10));
    }

    Sibling sibling(String name) {
        return siblings.computeIfAbsent(name, n -> new Sibling(n, journal));
    }

    /** Adds a Sibling per spec (or PERMANENT name) and starts; consumes the ServiceStarted events. */
    void start(Supervisor.Builder b, Object... children) {
        sup = b.build();
        for (Object c : children) {
            if (c instanceof ChildSpec spec) {
                sup.add(spec);
            } else {
                sup.add((String) c, sibling((String) c));
            }
        }
        sup.start();
        for (int i = 0; i < children.length; i++) {
            log.next(ServiceStarted.class);
        }
    }

    Map<String, ChildState> states() {
        Map<String, ChildState> states = new LinkedHashMap<>();
        for (ChildInfo c : sup.children()) {
            states.put(c.name(), c.state());
        }
        return states;
    }

    void expectStarts(String... names) {
        for (String name : names) {
            ServiceStarted started = log.next(ServiceStarted.class);
            assertThat(started.service()).isEqualTo(name);
            assertThat(started.restarts()).isEqualTo(1);
        }
    }

    void expectStopped(String... names) {
        for (String name : names) {
            assertThat(log.next(SupervisorEvent.class)).isEqualTo(new ServiceStopped("sup", name));
        }
    }
}
