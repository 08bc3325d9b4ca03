package dev.arbor.functional;

import dev.arbor.ChildInfo;
import dev.arbor.ChildState;
import dev.arbor.ServiceRef;
import dev.arbor.StopReport;
import dev.arbor.SupervisorEvent.ServiceStarted;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

/** API.md: {@code children()} is a snapshot, in add order, of each child's state. */
class ChildrenSnapshotTest extends HungChildFixture {
    @Test
    void statesGoFromWaitingToRunningToStopping() throws Exception {
        ServiceRef hungRef = sup.add("hung", hung);
        ServiceRef workerRef = sup.add("worker", ctx -> ctx.awaitStop());
        assertThat(sup.children()).extracting(ChildInfo::ref, ChildInfo::state)
                .containsExactly(tuple(hungRef, ChildState.WAITING), tuple(workerRef, ChildState.WAITING));

        sup.start();
        log.next(ServiceStarted.class);
        log.next(ServiceStarted.class);
        assertThat(sup.children()).extracting(ChildInfo::name, ChildInfo::state)
                .containsExactly(tuple("hung", ChildState.RUNNING), tuple("worker", ChildState.RUNNING));

        CompletableFuture<StopReport> stop = Bound.stopAsync(sup);
        // REVERSE: worker stops at once; hung is asked next and holds on.
        Bound.until("hung stopping", () -> sup.children().get(0).state() == ChildState.STOPPING);
        assertThat(sup.children()).extracting(ChildInfo::name).containsExactly("hung", "worker");
        assertThat(sup.children().get(1).state()).isEqualTo(ChildState.WAITING);

        Bound.pendingTasks(clock, 1);
        clock.advance(Duration.ofSeconds(5));
        Bound.get(stop);
        assertThat(sup.children()).extracting(ChildInfo::state).containsOnly(ChildState.WAITING);
    }

    @Test
    void aRemovedChildIsStoppingUntilItsRunEnds() throws Exception {
        ServiceRef ref = sup.add("hung", hung);
        sup.add("worker", ctx -> ctx.awaitStop());
        sup.start();
        hung.awaitStarted();

        sup.remove(ref);

        assertThat(sup.children()).extracting(ChildInfo::name, ChildInfo::state)
                .containsExactly(tuple("hung", ChildState.STOPPING), tuple("worker", ChildState.RUNNING));
    }

    @Test
    void aSnapshotDoesNotChangeAfterwards() throws Exception {
        sup.add("a", ctx -> ctx.awaitStop());
        List<ChildInfo> before = sup.children();

        sup.add("b", ctx -> ctx.awaitStop());
        sup.start();
        log.next(ServiceStarted.class);
        log.next(ServiceStarted.class);

        assertThat(before).extracting(ChildInfo::name, ChildInfo::state).containsExactly(tuple("a", ChildState.WAITING));
        assertThat(sup.children()).hasSize(2);
    }
}
