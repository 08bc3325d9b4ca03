package dev.arbor.functional;

import dev.arbor.ChildInfo;
import dev.arbor.ChildSpec;
import dev.arbor.Service;
import dev.arbor.ServiceRef;
import dev.arbor.Supervisor;
import dev.arbor.SupervisorEvent.ServiceStarted;
import dev.arbor.SupervisorEvent.ServiceStopped;
import dev.arbor.support.EventLog;
import dev.arbor.testing.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * API.md: bad arguments to add (null, blank name, a name already used by a current child) throw
 * IllegalArgumentException or NullPointerException "with a message that names the problem".
 */
class ChildNameValidationTest {
    private final ManualClock clock = new ManualClock();
    private final EventLog log = new EventLog();
    private final Supervisor sup = Supervisor.builder("sup").clock(clock).onEvent(log).build();
    private final Service service = ctx -> ctx.awaitStop();

    @AfterEach
    void stop() throws InterruptedException {
        sup.stop();
    }

    @Test
    void nullNameIsRejected() {
        assertThatNullPointerException().isThrownBy(() -> sup.add(null, service)).withMessageContaining("name");
        assertThat(sup.children()).isEmpty();
    }

    @Test
    void blankNameIsRejected() {
        assertThatThrownBy(() -> sup.add("", service))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("name").hasMessageContaining("blank");
        assertThatThrownBy(() -> sup.add("   ", service))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("name").hasMessageContaining("blank");
        assertThat(sup.children()).isEmpty();
    }

    @Test
    void nullServiceOrSpecIsRejected() {
        assertThatNullPointerException().isThrownBy(() -> sup.add("worker", null)).withMessageContaining("service");
        assertThatNullPointerException().isThrownBy(() -> sup.add(null)).withMessageContaining("spec");
        assertThat(sup.children()).isEmpty();
    }

    @Test
    void duplicateNameIsRejectedNamingTheNameAndTheSupervisor() {
        ServiceRef first = sup.add("worker", service);

        assertThatThrownBy(() -> sup.add("worker", ctx -> { }))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("\"worker\"").hasMessageContaining("\"sup\"").hasMessageContaining("already");
        assertThatThrownBy(() -> sup.add(ChildSpec.of("worker", service)))
                .isInstanceOf(IllegalArgumentException.class);

        assertThat(sup.children()).extracting(ChildInfo::ref).containsExactly(first);
    }

    @Test
    void duplicateNameIsRejectedWhileRunningToo() {
        sup.add("worker", service);
        sup.start();
        log.next(ServiceStarted.class);
        assertThatThrownBy(() -> sup.add("worker", service)).isInstanceOf(IllegalArgumentException.class);
        assertThat(sup.children()).hasSize(1);
    }

    @Test
    void namesAreCaseSensitive() {
        sup.add("worker", service);
        sup.add("Worker", service);
        assertThat(sup.children()).extracting(ChildInfo::name).containsExactly("worker", "Worker");
    }

    @Test
    void theNameOfARemovedChildCanBeUsedAgain() throws Exception {
        ServiceRef old = sup.add("worker", service);
        sup.start();
        log.next(ServiceStarted.class);
        assertThat(sup.removeAndWait(old, Bound.BOUND)).isTrue();
        log.next(ServiceStopped.class);

        ServiceRef again = sup.add("worker", service);

        assertThat(again).isNotSameAs(old);
        assertThat(log.next(ServiceStarted.class).service()).isEqualTo("worker");
        assertThat(sup.children()).extracting(ChildInfo::ref).containsExactly(again);
        assertThat(sup.remove(old)).isFalse();      // the old ref names no current child
    }
}
