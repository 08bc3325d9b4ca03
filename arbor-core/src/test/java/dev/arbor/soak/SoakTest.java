package dev.arbor.soak;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fault-injection soak (issue 4). CI mode runs seeded short runs within a time budget; each
 * run's seed is printed, and {@code -Darbor.soak.seed=N} replays one. The long mode (at least
 * 1,000,000 restarts in one run, heap checked) is
 * {@code ./mvnj -q -pl arbor-core test -Dtest=SoakTest#longRun -Darbor.soak=long}.
 */
class SoakTest {
    /** Fixed, so CI runs the same trees and fault sequences every time; override to explore. */
    private static final long BASE_SEED = Long.getLong("arbor.soak.base", 0x5EEDL);
    private static final int MIN_RUNS = Integer.getInteger("arbor.soak.runs", 20);
    private static final Duration BUDGET = Duration.ofSeconds(Long.getLong("arbor.soak.budgetSeconds", 60));

    @Test
    void ciSoak() throws Exception {
        Long replay = Long.getLong("arbor.soak.seed");
        Stats total = new Stats();
        long t0 = System.nanoTime();
        if (replay != null) {
            total.add(runOne(replay));
        } else {
            long deadline = t0 + BUDGET.toNanos();
            for (int i = 0; i < MIN_RUNS && System.nanoTime() < deadline; i++) {
                total.add(runOne(BASE_SEED * 1_000_003L + i));
            }
        }
        System.out.printf("soak ci: %d run(s) in %d ms%n  %s%n", total.runs.get(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0), total.summary());
        assertThat(total.runs.get()).isPositive();
    }

    private static Stats runOne(long seed) throws Exception {
        long t0 = System.nanoTime();
        Stats s = new SoakRun(seed, SoakRun.Settings.ci()).execute();
        System.out.printf("soak ci seed %d: %d ms, %d restarts, %d calls, %d faults%n", seed,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0), s.restarts.get(), s.totalCalls(), s.totalFaults());
        return s;
    }

    @Test
    @Tag("long")
    @EnabledIfSystemProperty(named = "arbor.soak", matches = "long")
    void longRun() throws Exception {
        long seed = Long.getLong("arbor.soak.seed", System.nanoTime());
        long restarts = Long.getLong("arbor.soak.restarts", 1_000_000);
        System.out.printf("soak long: seed %d, target %,d restarts%n", seed, restarts);
        long t0 = System.nanoTime();
        SoakRun run = new SoakRun(seed, SoakRun.Settings.longRun(restarts));
        Stats s = run.execute();
        long heapAfter = SoakRun.usedHeapAfterGc();
        System.out.printf("soak long: seed %d done in %d s%n  %s%n  heap after GC: start %,d, end %,d (%+.1f %%),"
                        + " after stop %,d%n", seed, TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0),
                s.summary(), run.heapStart, run.heapEnd, 100.0 * (run.heapEnd - run.heapStart) / run.heapStart, heapAfter);
        assertThat(run.restartsMeasured).as("restarts between the heap measurements").isGreaterThanOrEqualTo(restarts);
        assertThat((double) run.heapEnd).as("heap used after GC after %,d restarts", run.restartsMeasured)
                .isLessThanOrEqualTo(run.heapStart * 1.10);
    }
}
