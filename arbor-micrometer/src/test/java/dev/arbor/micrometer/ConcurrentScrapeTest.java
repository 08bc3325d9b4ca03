package dev.arbor.micrometer;

import dev.arbor.ServiceRef;
import dev.arbor.Supervisor;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Scrapes from several threads, each meter read taking its own snapshot, while child supervisors
 * come and go: no read fails, and once the tree is still the registered meters are exactly its
 * supervisors', whatever order the concurrent reconciliations ran in.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ConcurrentScrapeTest {
    private static final int SCRAPERS = 3;
    private static final int CHANGES = 40;

    @RepeatedTest(3)
    void concurrentScrapesWhileTheTreeChangesShapeConvergeOnTheTree() throws Exception {
        Supervisor root = Supervisor.builder("root").onEvent(e -> { }).build();
        root.add("leaf", ctx -> ctx.awaitStop());
        root.start();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        SupervisorMetrics.builder(root).snapshotMaxAge(Duration.ZERO).build().bindTo(registry);
        AtomicBoolean done = new AtomicBoolean();
        ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        CountDownLatch scraping = new CountDownLatch(SCRAPERS);
        List<Thread> scrapers = new ArrayList<>();
        for (int i = 0; i < SCRAPERS; i++) {
            scrapers.add(Thread.ofPlatform().name("scraper-" + i).start(() -> {
                scraping.countDown();
                try {
                    while (!done.get()) {
                        Scrape.of(registry);
                    }
                } catch (Throwable t) {
                    errors.add(t);
                }
            }));
        }
        try {
            scraping.await();
            List<ServiceRef> subs = new ArrayList<>();
            for (int i = 0; i < CHANGES; i++) {
                Supervisor sub = Supervisor.builder("sub" + i).build();
                sub.add("worker", ctx -> ctx.awaitStop());
                subs.add(root.add("sub" + i, sub));
                if (i % 2 == 1) {   // remove every other one again, while scrapes run
                    assertThat(root.removeAndWait(subs.get(i - 1), Duration.ofSeconds(10))).isTrue();
                }
            }
        } finally {
            done.set(true);
            for (Thread t : scrapers) {
                t.join();
            }
        }
        assertThat(errors).isEmpty();
        Scrape.of(registry);   // one more snapshot, now that nothing changes
        List<String> expected = new ArrayList<>(List.of("root"));
        for (int i = 1; i < CHANGES; i += 2) {
            expected.add("root/sub" + i);
        }
        assertThat(registry.find(SupervisorMetrics.STARTS).meters())
                .extracting(m -> m.getId().getTag("supervisor")).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(registry.getMeters()).hasSize(expected.size() * 21 + 1);
        root.stop();
    }
}
