package dev.arbor.functional;

import dev.arbor.ChildInfo;
import dev.arbor.ChildState;
import dev.arbor.StopOrder;
import dev.arbor.StopReport;
import dev.arbor.Supervisor;
import dev.arbor.SupervisorState;
import dev.arbor.testing.ManualClock;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** Issue 2: "10,000 children started and stopped", in both stop orders. */
class TenThousandChildrenTest {
    private static final int CHILDREN = 10_000;

    @ParameterizedTest
    @EnumSource(StopOrder.class)
    void tenThousandChildrenAllStartAndAllStopCleanly(StopOrder order) throws Exception {
        ManualClock clock = new ManualClock();
        AtomicInteger events = new AtomicInteger();
        Supervisor sup = Supervisor.builder("big").clock(clock).stopOrder(order)
                .onEvent(e -> events.incrementAndGet()).build();
        CountDownLatch started = new CountDownLatch(CHILDREN);
        AtomicInteger ended = new AtomicInteger();
        for (int i = 0; i < CHILDREN; i++) {
            sup.add("child-" + i, ctx -> {
                started.countDown();
                try {
                    ctx.awaitStop();
                } finally {
                    ended.incrementAndGet();
                }
            });
        }

        sup.start();
        assertThat(started.await(Bound.SECONDS, TimeUnit.SECONDS)).as("all started").isTrue();
        assertThat(sup.children()).hasSize(CHILDREN).extracting(ChildInfo::state).containsOnly(ChildState.RUNNING);

        StopReport report = sup.stop();   // no clock advance: every child stops within its timeout

        assertThat(report.clean()).isTrue();
        assertThat(ended).hasValue(CHILDREN);
        assertThat(sup.state()).isEqualTo(SupervisorState.TERMINATED);
        assertThat(clock.pendingTasks()).as("every shutdown timer cancelled").isZero();
    }
}
