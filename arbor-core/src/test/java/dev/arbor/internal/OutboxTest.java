package dev.arbor.internal;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** Outbox: actions run after the lock in the order they were added; one that throws stops none of the others. */
class OutboxTest {
    private final List<Integer> ran = new ArrayList<>();

    @Test
    void runsEveryActionInOrder() {
        Outbox out = new Outbox();
        IntStream.range(0, 10).forEach(i -> out.add(() -> ran.add(i)));
        out.run();
        assertThat(ran).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
    }

    @Test
    void aThrowingActionDoesNotPreventTheOthers() {
        Outbox out = new Outbox();
        out.add(() -> {
            throw new IllegalStateException("a bug in the first action");
        });
        out.add(() -> ran.add(1));
        out.add(() -> {
            throw new AssertionError("an Error in the middle");
        });
        out.add(() -> ran.add(3));
        out.run();
        assertThat(ran).containsExactly(1, 3);
    }

    @Test
    void anEmptyOutboxDoesNothingAndASingleActionRunsOnce() {
        new Outbox().run();
        Outbox one = new Outbox();
        one.add(() -> ran.add(7));
        one.run();
        assertThat(ran).containsExactly(7);
    }
}
