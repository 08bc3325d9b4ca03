package dev.arbor.functional;

import dev.arbor.ChildInfo;
import dev.arbor.ChildSpec;
import dev.arbor.Restart;
import dev.arbor.SupervisorEvent.ServiceFailed;
import dev.arbor.support.EventLog;
import dev.arbor.Supervisor;
import dev.arbor.SupervisorState;
import dev.arbor.testing.ManualClock;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * API.md: "A supervisor may be the child of at most one supervisor" (suture's trap: a supervisor
 * in two trees); a cycle is a bad argument.
 */
class SupervisorTreeBindingTest {
    private final ManualClock clock = new ManualClock();

    private Supervisor supervisor(String name) {
        return Supervisor.builder(name).clock(clock).build();
    }

    @Test
    void isChildTellsAChildFromARootAndARefusedAddLeavesItARoot() {
        Supervisor parent = supervisor("parent");
        Supervisor child = supervisor("child");
        Supervisor refused = supervisor("refused");
        assertThat(child.isChild()).isFalse();
        parent.add("child", child);
        assertThat(child.isChild()).isTrue();
        assertThat(parent.isChild()).isFalse();
        assertThatThrownBy(() -> parent.add("child", refused)).isInstanceOf(IllegalArgumentException.class);
        assertThat(refused.isChild()).as("the name was taken: the add was undone").isFalse();
    }

    @Test
    void aSupervisorInASecondTreeIsRejected() throws Exception {
        Supervisor first = supervisor("first");
        Supervisor second = supervisor("second");
        Supervisor shared = supervisor("shared");
        first.add("shared", shared);

        assertThatThrownBy(() -> second.add("shared", shared))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("\"shared\"").hasMessageContaining("\"first\"");
        assertThat(second.children()).isEmpty();

        first.start();
        assertThat(shared.state()).isEqualTo(SupervisorState.RUNNING);
        assertThat(first.stop().clean()).isTrue();
    }

    @Test
    void aSupervisorAddedTwiceToTheSameParentIsRejected() {
        Supervisor parent = supervisor("parent");
        Supervisor sub = supervisor("sub");
        parent.add("one", sub);
        assertThatThrownBy(() -> parent.add("two", sub)).isInstanceOf(IllegalStateException.class);
        assertThat(parent.children()).extracting(ChildInfo::name).containsExactly("one");
    }

    @Test
    void aSupervisorCannotBeItsOwnChild() {
        Supervisor sup = supervisor("sup");
        assertThatThrownBy(() -> sup.add("me", sup))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("\"sup\"").hasMessageContaining("own child");
        assertThat(sup.children()).isEmpty();
    }

    @Test
    void addingAnAncestorIsACycle() {
        Supervisor a = supervisor("a");
        Supervisor b = supervisor("b");
        Supervisor c = supervisor("c");
        a.add("b", b);
        b.add("c", c);

        assertThatThrownBy(() -> b.add("a", a))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cycle");
        assertThatThrownBy(() -> c.add("a", a))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("\"a\"").hasMessageContaining("\"c\"").hasMessageContaining("cycle");
        assertThat(b.children()).extracting(ChildInfo::name).containsExactly("c");
        assertThat(c.children()).isEmpty();
    }

    @Test
    void aStartedSupervisorCannotBecomeAChild() throws Exception {
        Supervisor root = supervisor("root");
        Supervisor started = supervisor("started");
        started.start();
        assertThatThrownBy(() -> root.add("started", started))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("\"started\"");
        started.stop();
        assertThatThrownBy(() -> root.add("started", started)).isInstanceOf(IllegalStateException.class);
        assertThat(root.children()).isEmpty();
    }

    @Test
    void aSupervisorRefusedForADuplicateNameStaysFree() throws Exception {
        Supervisor parent = supervisor("parent");
        parent.add("taken", ctx -> ctx.awaitStop());
        Supervisor sub = supervisor("sub");

        assertThatThrownBy(() -> parent.add("taken", sub)).isInstanceOf(IllegalArgumentException.class);

        // The failed add did not bind it: it can still be a root, or join a tree.
        Supervisor other = supervisor("other");
        other.add("sub", sub);
        other.start();
        assertThat(sub.state()).isEqualTo(SupervisorState.RUNNING);
        assertThat(other.stop().clean()).isTrue();
    }

    @Test
    void aSupervisorRefusedForADuplicateNameCanStillBeStartedAsARoot() throws Exception {
        Supervisor parent = supervisor("parent");
        parent.add("taken", ctx -> ctx.awaitStop());
        Supervisor sub = supervisor("sub");
        assertThatThrownBy(() -> parent.add("taken", sub)).isInstanceOf(IllegalArgumentException.class);

        sub.start();
        assertThat(sub.state()).isEqualTo(SupervisorState.RUNNING);
        assertThat(sub.stop().clean()).isTrue();
    }

    @Test
    void servingASupervisorThatBelongsToAnotherTreeFailsTheServingRunWithoutHanging() throws Exception {
        Supervisor owner = supervisor("owner");
        Supervisor shared = supervisor("shared");
        owner.add("shared", shared);
        EventLog log = new EventLog();
        Supervisor other = Supervisor.builder("other").clock(clock).onEvent(log).build();
        other.add(ChildSpec.of("wrapper", shared::serve).withRestart(Restart.TEMPORARY));

        other.start();

        ServiceFailed failed = log.await(ServiceFailed.class);
        assertThat(failed.service()).isEqualTo("wrapper");
        assertThat(failed.cause()).isInstanceOf(IllegalStateException.class).hasMessageContaining("\"owner\"");
        assertThat(shared.state()).isEqualTo(SupervisorState.NEW);
        assertThat(other.stop().clean()).isTrue();
    }

    @Test
    void servingAStartedRootFailsTheServingRun() throws Exception {
        Supervisor started = supervisor("started");
        started.start();
        EventLog log = new EventLog();
        Supervisor other = Supervisor.builder("other").clock(clock).onEvent(log).build();
        other.add(ChildSpec.of("wrapper", started::serve).withRestart(Restart.TEMPORARY));

        other.start();

        assertThat(log.await(ServiceFailed.class).cause()).isInstanceOf(IllegalStateException.class);
        assertThat(started.state()).isEqualTo(SupervisorState.RUNNING);
        assertThat(other.stop().clean()).isTrue();
        assertThat(started.stop().clean()).isTrue();
    }
}
