package dev.arbor.functional;

import dev.arbor.Supervisor;
import dev.arbor.SupervisorEvent;
import dev.arbor.SupervisorEvent.ServiceFailed;
import dev.arbor.SupervisorEvent.ServiceStarted;
import dev.arbor.SupervisorEvent.ServiceStopped;
import dev.arbor.SupervisorEvent.SupervisorTerminated;
import dev.arbor.support.EventLog;
import dev.arbor.support.Puppet;
import dev.arbor.testing.ManualClock;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * API.md "Events": the events of one supervisor reach its listener in the order they happened,
 * also when several supervisors of a tree share the listener and their children fail concurrently.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)   // a wedged supervisor fails, not hangs
class EventOrderTest {
    private final ManualClock clock = new ManualClock();

    @Test
    void eventsOfOneSupervisorArriveInTheOrderTheyHappened() throws Exception {
        EventLog log = new EventLog();
        Supervisor sup = Supervisor.builder("sup").clock(clock).onEvent(log).failureThreshold(100).build();
        Puppet p = new Puppet();
        sup.add("p", p);
        sup.start();
        for (int i = 0; i < 20; i++) {
            assertThat(log.next(ServiceStarted.class)).isEqualTo(new ServiceStarted("sup", "p", i));
            p.fail();
            ServiceFailed failed = log.next(ServiceFailed.class);
            assertThat(failed.failures()).isEqualTo(i + 1.0);
        }
        log.next(ServiceStarted.class);
        sup.stop();
        assertThat(log.next(SupervisorEvent.class)).isEqualTo(new ServiceStopped("sup", "p"));
        assertThat(log.next(SupervisorEvent.class)).isEqualTo(new SupervisorTerminated("sup", null));
    }

    @Test
    void eachSupervisorsEventsKeepTheirOrderInATreeSharingOneListenerUnderConcurrentFailures() throws Exception {
        int subs = 4;
        int childrenPerSub = 6;
        int failuresPerChild = 25;
        EventLog log = new EventLog();
        Supervisor root = Supervisor.builder("root").clock(clock).onEvent(log).failureThreshold(1e9).build();
        CountDownLatch settled = new CountDownLatch(subs * childrenPerSub);
        for (int s = 0; s < subs; s++) {
            Supervisor sub = Supervisor.builder("sub" + s).clock(clock).failureThreshold(1e9).build();
            root.add("sub" + s, sub);
            for (int c = 0; c < childrenPerSub; c++) {
                AtomicInteger runs = new AtomicInteger();
                sub.add("c" + c, ctx -> {
                    if (runs.incrementAndGet() <= failuresPerChild) {
                        throw new IllegalStateException("failure " + runs.get());
                    }
                    settled.countDown();
                    ctx.awaitStop();
                });
            }
        }
        root.start();
        assertThat(settled.await(10, TimeUnit.SECONDS)).isTrue();
        root.stop();
        log.await(SupervisorTerminated.class, t -> t.supervisor().equals("root"));

        List<SupervisorEvent> all = log.all();
        for (int s = 0; s < subs; s++) {
            String name = "sub" + s;
            List<SupervisorEvent> mine = all.stream().filter(e -> e.supervisor().equals(name)).toList();
            // the clock never moves, so each counted failure adds exactly one: 1, 2, 3, ... in emission order
            List<Double> counts = new ArrayList<>();
            for (SupervisorEvent e : mine) {
                if (e instanceof ServiceFailed f) {
                    counts.add(f.failures());
                }
            }
            List<Double> expected = new ArrayList<>();
            for (int i = 1; i <= childrenPerSub * failuresPerChild; i++) {
                expected.add((double) i);
            }
            assertThat(counts).as(name + "'s failure counts in delivery order").isEqualTo(expected);
            for (int c = 0; c < childrenPerSub; c++) {
                String child = "c" + c;
                List<Integer> restarts = mine.stream()
                        .filter(e -> e instanceof ServiceStarted st && st.service().equals(child))
                        .map(e -> ((ServiceStarted) e).restarts()).toList();
                assertThat(restarts).as(name + "/" + child + " restarts in delivery order")
                        .isSorted().doesNotHaveDuplicates().hasSize(failuresPerChild + 1);
            }
            assertThat(mine.get(mine.size() - 1)).isEqualTo(new SupervisorTerminated(name, null));
        }
        assertThat(all.get(all.size() - 1)).isEqualTo(new SupervisorTerminated("root", null));
    }
}
