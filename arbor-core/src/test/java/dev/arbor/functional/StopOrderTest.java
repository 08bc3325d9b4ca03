package dev.arbor.functional;

import dev.arbor.ChildSpec;
import dev.arbor.StopOrder;
import dev.arbor.StopReport;
import dev.arbor.Supervisor;
import dev.arbor.UnstoppedService;
import dev.arbor.testing.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * API.md: "stop() stops the children in reverse add order (or all at once with
 * StopOrder.PARALLEL), waits for each up to its shutdown timeout".
 */
class StopOrderTest {
    private final ManualClock clock = new ManualClock();
    private final BlockingQueue<String> asked = new LinkedBlockingQueue<>();
    private final List<Holder> holders = new ArrayList<>();
    private final Hung hung = new Hung();

    @AfterEach
    void releaseAll() {
        holders.forEach(Holder::release);
        hung.release();
    }

    private Supervisor supervisorWithHolders(StopOrder order, String... names) throws InterruptedException {
        Supervisor sup = Supervisor.builder("sup").clock(clock).stopOrder(order).onEvent(e -> { })
                .shutdownTimeout(Duration.ofSeconds(5)).build();
        for (String name : names) {
            Holder holder = new Holder(name, asked);
            holders.add(holder);
            sup.add(name, holder);
        }
        sup.start();
        for (Holder holder : holders) {
            Hung.await(holder.started, "started");
        }
        return sup;
    }

    @Test
    void reverseAsksOneChildAtATimeNewestFirstAndWaitsForEachToEnd() throws Exception {
        Supervisor sup = supervisorWithHolders(StopOrder.REVERSE, "a", "b", "c");
        Holder a = holders.get(0);
        Holder b = holders.get(1);
        Holder c = holders.get(2);

        CompletableFuture<StopReport> stop = Bound.stopAsync(sup);

        assertThat(Bound.take(asked)).isEqualTo("c");
        assertThat(b.isStopping()).as("b asked while c still runs").isFalse();
        assertThat(a.isStopping()).as("a asked while c still runs").isFalse();
        Bound.pendingTasks(clock, 1);           // one shutdown timer, for c

        c.release();
        assertThat(Bound.take(asked)).isEqualTo("b");
        assertThat(a.isStopping()).as("a asked while b still runs").isFalse();

        b.release();
        assertThat(Bound.take(asked)).isEqualTo("a");
        assertThat(stop).isNotDone();

        a.release();
        assertThat(Bound.get(stop).clean()).isTrue();
        assertThat(asked).isEmpty();
        assertThat(clock.pendingTasks()).as("every shutdown timer cancelled").isZero();
    }

    @Test
    void reverseStopsAChildSupervisorsWholeSubtreeBeforeOlderSiblings() throws Exception {
        Supervisor root = Supervisor.builder("root").clock(clock).onEvent(e -> { }).build();
        Supervisor sub = Supervisor.builder("sub").clock(clock).build();
        Holder a = new Holder("a", asked);
        Holder x = new Holder("x", asked);
        Holder y = new Holder("y", asked);
        Holder b = new Holder("b", asked);
        holders.addAll(List.of(a, x, y, b));
        root.add("a", a);
        root.add("sub", sub);
        root.add("b", b);
        sub.add("x", x);
        sub.add("y", y);
        root.start();
        for (Holder holder : holders) {
            Hung.await(holder.started, "started");
        }

        CompletableFuture<StopReport> stop = Bound.stopAsync(root);

        assertThat(Bound.take(asked)).isEqualTo("b");
        assertThat(y.isStopping()).isFalse();
        b.release();
        assertThat(Bound.take(asked)).isEqualTo("y");     // the subtree, newest first
        assertThat(x.isStopping()).isFalse();
        y.release();
        assertThat(Bound.take(asked)).isEqualTo("x");
        assertThat(a.isStopping()).as("a asked before the subtree ended").isFalse();
        x.release();
        assertThat(Bound.take(asked)).isEqualTo("a");
        a.release();

        assertThat(Bound.get(stop).clean()).isTrue();
        assertThat(sub.state()).isEqualTo(dev.arbor.SupervisorState.TERMINATED);
    }

    @Test
    void reverseMovesOnToTheNextChildOnlyWhenTheCurrentOneTimesOut() throws Exception {
        Supervisor sup = Supervisor.builder("sup").clock(clock).onEvent(e -> { })
                .shutdownTimeout(Duration.ofSeconds(5)).build();
        Holder first = new Holder("first", asked);
        holders.add(first);
        sup.add("first", first);
        sup.add("hung", hung);
        sup.start();
        Hung.await(first.started, "started");
        hung.awaitStarted();

        CompletableFuture<StopReport> stop = Bound.stopAsync(sup);
        Bound.pendingTasks(clock, 1);
        clock.advance(Duration.ofSeconds(5).minusNanos(1));
        assertThat(first.isStopping()).as("first asked before hung's timeout").isFalse();

        clock.advance(Duration.ofNanos(1));

        assertThat(Bound.take(asked)).isEqualTo("first");
        first.release();
        assertThat(Bound.get(stop).unstopped()).containsExactly(new UnstoppedService(List.of("sup"), "hung"));
    }

    @Test
    void reverseIsTheDefault() throws Exception {
        Supervisor sup = Supervisor.builder("sup").clock(clock).onEvent(e -> { }).build();
        for (String name : List.of("x", "y")) {
            Holder holder = new Holder(name, asked);
            holders.add(holder);
            sup.add(name, holder);
        }
        sup.start();
        for (Holder holder : holders) {
            Hung.await(holder.started, "started");
        }
        CompletableFuture<StopReport> stop = Bound.stopAsync(sup);
        assertThat(Bound.take(asked)).isEqualTo("y");
        assertThat(holders.get(0).isStopping()).isFalse();
        holders.forEach(Holder::release);
        assertThat(Bound.take(asked)).isEqualTo("x");
        assertThat(Bound.get(stop).clean()).isTrue();
    }

    @Test
    void parallelAsksEveryChildAtOnceBeforeAnyHasEnded() throws Exception {
        Supervisor sup = supervisorWithHolders(StopOrder.PARALLEL, "a", "b", "c");

        CompletableFuture<StopReport> stop = Bound.stopAsync(sup);

        List<String> askedWhileAllHold = List.of(Bound.take(asked), Bound.take(asked), Bound.take(asked));
        assertThat(askedWhileAllHold).containsExactlyInAnyOrder("a", "b", "c");
        Bound.pendingTasks(clock, 1);           // one shared shutdown timer
        assertThat(stop).isNotDone();

        holders.forEach(Holder::release);
        assertThat(Bound.get(stop).clean()).isTrue();
        assertThat(clock.pendingTasks()).isZero();
    }

    @Test
    void parallelWaitsForEachChildUpToItsOwnTimeout() throws Exception {
        Supervisor sup = Supervisor.builder("sup").clock(clock).stopOrder(StopOrder.PARALLEL).onEvent(e -> { })
                .shutdownTimeout(Duration.ofSeconds(5)).build();
        Holder quick = new Holder("quick", asked);
        holders.add(quick);
        sup.add(ChildSpec.of("quick", quick).withShutdownTimeout(Duration.ofSeconds(1)));
        sup.add("hung", hung);
        sup.start();
        Hung.await(quick.started, "started");
        hung.awaitStarted();

        CompletableFuture<StopReport> stop = Bound.stopAsync(sup);
        assertThat(Bound.take(asked)).isEqualTo("quick");
        Bound.pendingTasks(clock, 2);           // one timer per distinct timeout
        quick.release();
        Bound.pendingTasks(clock, 1);           // quick ended: its timer is cancelled
        assertThat(stop).isNotDone();

        clock.advance(Duration.ofSeconds(5));

        assertThat(Bound.get(stop).unstopped()).containsExactly(new UnstoppedService(List.of("sup"), "hung"));
    }
}
