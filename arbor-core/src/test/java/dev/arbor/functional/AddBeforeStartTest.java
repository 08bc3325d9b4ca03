package dev.arbor.functional;

import dev.arbor.ChildInfo;
import dev.arbor.ChildState;
import dev.arbor.ServiceRef;
import dev.arbor.Supervisor;
import dev.arbor.SupervisorEvent.ServiceStarted;
import dev.arbor.support.EventLog;
import dev.arbor.testing.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** API.md: "add before start() queues the child; it starts when the supervisor starts, in add order." */
class AddBeforeStartTest {
    private final ManualClock clock = new ManualClock();
    private final EventLog log = new EventLog();
    private final Supervisor sup = Supervisor.builder("sup").clock(clock).onEvent(log).build();

    @AfterEach
    void stop() throws InterruptedException {
        sup.stop();
    }

    @Test
    void childrenAddedBeforeStartWaitAndDoNotRun() {
        AtomicInteger runs = new AtomicInteger();
        ServiceRef a = sup.add("a", ctx -> runs.incrementAndGet());
        ServiceRef b = sup.add("b", ctx -> runs.incrementAndGet());

        assertThat(sup.children()).extracting(ChildInfo::ref, ChildInfo::name, ChildInfo::state, ChildInfo::restarts)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(a, "a", ChildState.WAITING, 0),
                        org.assertj.core.groups.Tuple.tuple(b, "b", ChildState.WAITING, 0));
        assertThat(sup.children()).allSatisfy(c -> assertThat(c.lastFailure()).isEmpty());
        assertThat(runs).hasValue(0);
        assertThat(log.all()).isEmpty();
    }

    @Test
    void queuedChildrenStartWithTheSupervisorInAddOrder() {
        List<String> names = List.of("e", "b", "d", "a", "c");     // add order is not alphabetical
        for (String name : names) {
            sup.add(name, ctx -> ctx.awaitStop());
        }

        sup.start();

        for (String name : names) {
            ServiceStarted started = log.next(ServiceStarted.class);
            assertThat(started.service()).isEqualTo(name);
            assertThat(started.restarts()).isZero();
        }
        assertThat(sup.children()).extracting(ChildInfo::name).containsExactlyElementsOf(names);
        assertThat(sup.children()).extracting(ChildInfo::state).containsOnly(ChildState.RUNNING);
    }

    @Test
    void aChildAddedAfterStartStartsAtOnceAfterTheQueuedOnes() {
        sup.add("first", ctx -> ctx.awaitStop());
        sup.start();
        log.next(ServiceStarted.class);

        sup.add("later", ctx -> ctx.awaitStop());

        assertThat(log.next(ServiceStarted.class).service()).isEqualTo("later");
        assertThat(sup.children()).extracting(ChildInfo::name).containsExactly("first", "later");
    }
}
