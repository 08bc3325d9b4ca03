package dev.arbor.functional;

import dev.arbor.ChildInfo;
import dev.arbor.ChildSpec;
import dev.arbor.ChildState;
import dev.arbor.ServiceRef;
import dev.arbor.SupervisorEvent.ServiceFailed;
import dev.arbor.SupervisorEvent.ServiceStarted;
import dev.arbor.SupervisorEvent.ServiceStopTimeout;
import dev.arbor.SupervisorEvent.ServiceStopped;
import dev.arbor.SupervisorEvent.SupervisorTerminated;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** API.md: {@code remove(ref)} "asks it to stop; false if not a child". */
class RemoveTest extends HungChildFixture {
    @Test
    void removeStopsTheChildWhichEndsAsStoppedAndIsGoneWithoutRestart() throws Exception {
        ServiceRef ref = sup.add("worker", ctx -> ctx.awaitStop());
        sup.add("other", ctx -> ctx.awaitStop());
        sup.start();
        log.next(ServiceStarted.class);
        log.next(ServiceStarted.class);

        assertThat(sup.remove(ref)).isTrue();

        assertThat(log.next(ServiceStopped.class).service()).isEqualTo("worker");
        assertThat(sup.children()).extracting(ChildInfo::name).containsExactly("other");
        assertThat(sup.stop().clean()).isTrue();
        log.await(SupervisorTerminated.class);     // every earlier event has been delivered
        assertThat(log.all()).filteredOn(e -> e instanceof ServiceFailed).isEmpty();
        assertThat(log.all()).filteredOn(e -> e instanceof ServiceStarted).hasSize(2);
    }

    @Test
    void removeReturnsFalseOnceTheRefNoLongerNamesAChild() throws Exception {
        ServiceRef ref = sup.add("worker", ctx -> ctx.awaitStop());
        sup.start();
        log.next(ServiceStarted.class);
        assertThat(sup.removeAndWait(ref, Bound.BOUND)).isTrue();

        assertThat(sup.remove(ref)).isFalse();
        assertThat(sup.removeAndWait(ref, Duration.ZERO)).isFalse();
    }

    @Test
    void removeBeforeStartDropsTheChildAtOnceSoItNeverRuns() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        ServiceRef ref = sup.add("never", ctx -> runs.incrementAndGet());
        sup.add("other", ctx -> ctx.awaitStop());

        assertThat(sup.remove(ref)).isTrue();
        assertThat(sup.children()).extracting(ChildInfo::name).containsExactly("other");

        sup.start();
        assertThat(log.next(ServiceStarted.class).service()).isEqualTo("other");
        assertThat(sup.stop().clean()).isTrue();
        assertThat(runs).hasValue(0);
        assertThat(sup.remove(ref)).isFalse();
    }

    @Test
    void removeReturnsAtOnceAndTheChildShowsStoppingUntilItsRunEnds() throws Exception {
        ServiceRef ref = sup.add("hung", hung);
        sup.start();
        hung.awaitStarted();

        assertThat(sup.remove(ref)).isTrue();       // does not wait for the hung run

        assertThat(sup.children()).singleElement().satisfies(c -> {
            assertThat(c.ref()).isSameAs(ref);
            assertThat(c.state()).isEqualTo(ChildState.STOPPING);
        });
        hung.release();
        assertThat(log.await(ServiceStopped.class).service()).isEqualTo("hung");
        assertThat(sup.children()).isEmpty();
        assertThat(clock.pendingTasks()).as("its shutdown timer is cancelled").isZero();
    }

    @Test
    void removingAChildWhoseRemovalIsUnderwayIsTrueAndDoesNotAskItAgain() throws Exception {
        ServiceRef ref = sup.add("hung", hung);
        sup.start();
        hung.awaitStarted();
        assertThat(sup.remove(ref)).isTrue();
        Bound.pendingTasks(clock, 1);

        assertThat(sup.remove(ref)).as("still listed as STOPPING, so still a child").isTrue();

        assertThat(clock.pendingTasks()).as("no second shutdown timer").isEqualTo(1);
        assertThat(sup.children()).extracting(ChildInfo::state).containsExactly(ChildState.STOPPING);
    }

    @Test
    void aRemovedChildThatIgnoresItsStopIsGivenUpAfterItsShutdownTimeout() throws Exception {
        ServiceRef ref = sup.add(ChildSpec.of("hung", hung).withShutdownTimeout(Duration.ofSeconds(3)));
        sup.start();
        hung.awaitStarted();

        assertThat(sup.remove(ref)).isTrue();
        Bound.pendingTasks(clock, 1);
        clock.advance(Duration.ofSeconds(3).minusNanos(1));
        assertThat(sup.children()).hasSize(1);

        clock.advance(Duration.ofNanos(1));

        assertThat(sup.children()).isEmpty();
        assertThat(log.await(ServiceStopTimeout.class).service()).isEqualTo("hung");
        assertThat(sup.remove(ref)).isFalse();
    }
}
