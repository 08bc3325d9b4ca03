package dev.arbor.internal;

import dev.arbor.StopOrder;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * StopBatch alone: the order in which it asks its members to stop, when it is done, and that it
 * reaches its supervisor only through {@link StopBatch.Requester}.
 */
class StopBatchTest {
    private final Children children = new Children();
    private final List<String> asked = new ArrayList<>();
    private final StopBatch.Requester recording = (runs, out) -> runs.forEach(r -> asked.add(r.child.name()));

    @Test
    void reverseAsksTheNewestFirstAndOneAtATime() {
        StopBatch batch = new StopBatch(StopOrder.REVERSE);
        Child a = children.running("a");
        Child b = children.running("b");
        Child c = children.running("c");
        batch.add(a);
        batch.add(b);
        batch.add(c);

        assertThat(batch.advance(recording, new Outbox())).isFalse();
        assertThat(asked).containsExactly("c");
        assertThat(batch.advance(recording, new Outbox())).isFalse();
        assertThat(asked).as("nobody else is asked while c is still stopping").containsExactly("c");

        batch.memberGone(c);
        assertThat(batch.advance(recording, new Outbox())).isFalse();
        batch.memberGone(b);
        assertThat(batch.advance(recording, new Outbox())).isFalse();
        batch.memberGone(a);
        assertThat(batch.advance(recording, new Outbox())).isTrue();
        assertThat(asked).containsExactly("c", "b", "a");
    }

    @Test
    void membersJoiningOutOfAddOrderAreAskedInReverseAddOrder() {
        StopBatch batch = new StopBatch(StopOrder.REVERSE);
        Child a = children.running("a");
        Child b = children.running("b");
        Child c = children.running("c");
        batch.add(c);
        batch.add(a);
        batch.add(b);
        StopBatch.Requester abandonsAtOnce = (runs, out) -> runs.forEach(r -> {
            asked.add(r.child.name());
            batch.memberGone(r.child);        // a zero shutdown timeout: gone before the next is asked
        });

        assertThat(batch.advance(abandonsAtOnce, new Outbox())).isTrue();
        assertThat(asked).containsExactly("c", "b", "a");
    }

    @Test
    void aMemberWhoseRunEndedBeforeItsTurnIsSkipped() {
        StopBatch batch = new StopBatch(StopOrder.REVERSE);
        Child a = children.running("a");
        Child b = children.running("b");
        Child c = children.running("c");
        batch.add(a);
        batch.add(b);
        batch.add(c);
        batch.advance(recording, new Outbox());

        batch.memberGone(b);                  // ended on its own while c was stopping
        batch.memberGone(c);
        assertThat(batch.advance(recording, new Outbox())).isFalse();
        assertThat(asked).containsExactly("c", "a");
        assertThat(b.batch).isNull();
    }

    @Test
    void parallelAsksEveryoneAtOnceAndIsDoneWhenAllAreGone() {
        StopBatch batch = new StopBatch(StopOrder.PARALLEL);
        Child a = children.running("a");
        Child b = children.running("b");
        batch.add(a);
        batch.add(b);

        assertThat(batch.advance(recording, new Outbox())).isFalse();
        assertThat(asked).containsExactly("a", "b");
        batch.memberGone(a);
        assertThat(batch.advance(recording, new Outbox())).isFalse();
        batch.memberGone(b);
        assertThat(batch.advance(recording, new Outbox())).isTrue();
        assertThat(asked).as("asked once each").containsExactly("a", "b");
    }

    @Test
    void aChildMovedToAnotherBatchLeavesTheFirst() {
        StopBatch wave = new StopBatch(StopOrder.REVERSE);
        StopBatch shutdown = new StopBatch(StopOrder.REVERSE);
        Child a = children.running("a");
        wave.add(a);
        wave.add(a);                          // joining twice counts once
        shutdown.add(a);

        assertThat(a.batch).isSameAs(shutdown);
        assertThat(wave.advance(recording, new Outbox())).as("the wave has no member left").isTrue();
        assertThat(asked).isEmpty();
        assertThat(shutdown.advance(recording, new Outbox())).isFalse();
        assertThat(asked).containsExactly("a");
    }

    @Test
    void anEmptyBatchIsDoneAtOnce() {
        assertThat(new StopBatch(StopOrder.REVERSE).advance(recording, new Outbox())).isTrue();
        assertThat(new StopBatch(StopOrder.PARALLEL).advance(recording, new Outbox())).isTrue();
        assertThat(asked).isEmpty();
    }
}
