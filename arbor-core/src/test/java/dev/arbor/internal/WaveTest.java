package dev.arbor.internal;

import dev.arbor.Restart;
import dev.arbor.StopOrder;
import dev.arbor.Strategy;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Wave alone (API.md "Strategies"): which siblings a failure takes along, and which come back. */
class WaveTest {
    private final Children children = new Children();

    @Test
    void eachStrategyPicksItsSiblings() {
        Child a = children.running("a");
        Child b = children.running("b");
        Child c = children.running("c");
        Child gone = children.running("gone");
        gone.removed = true;
        List<Child> all = List.of(a, b, c, gone);

        assertThat(Wave.siblingsToRestart(Strategy.ONE_FOR_ONE, b, all)).isEmpty();
        assertThat(Wave.siblingsToRestart(Strategy.ONE_FOR_ALL, b, all)).containsExactly(a, c);
        assertThat(Wave.siblingsToRestart(Strategy.REST_FOR_ONE, b, all)).containsExactly(c);
    }

    @Test
    void liveSiblingsJoinTheStopBatchAndTemporaryOnesAreRemoved() {
        Child failed = children.idle("failed");
        Child live = children.running("live");
        Child temporaryLive = children.running("temporaryLive", Restart.TEMPORARY);
        Child temporaryIdle = children.idle("temporaryIdle", Restart.TEMPORARY);
        Wave wave = new Wave(StopOrder.REVERSE);

        List<Child> toDrop = wave.join(failed, List.of(live, temporaryLive, temporaryIdle));

        assertThat(toDrop).as("idle and removed for good: the supervisor drops it").containsExactly(temporaryIdle);
        assertThat(live.batch).isSameAs(wave.batch);
        assertThat(temporaryLive.batch).isSameAs(wave.batch);
        assertThat(temporaryLive.removed).isTrue();
        assertThat(wave.restarts(failed)).isTrue();
        live.run = null;
        temporaryLive.run = null;
        assertThat(wave.restarts(live)).isTrue();
        assertThat(wave.restarts(temporaryLive)).isFalse();
        assertThat(wave.restarts(temporaryIdle)).isFalse();
    }

    @Test
    void aChildStillRunningOrRemovedMeanwhileDoesNotRestart() {
        Child failed = children.idle("failed");
        Child sibling = children.running("sibling");
        Wave wave = new Wave(StopOrder.PARALLEL);
        wave.join(failed, List.of(sibling));

        assertThat(wave.restarts(sibling)).as("its run has not ended").isFalse();
        failed.removed = true;
        assertThat(wave.restarts(failed)).as("removed while the wave ran").isFalse();
    }
}
