package dev.arbor.micrometer;

import dev.arbor.Supervisor;
import dev.arbor.testing.ManualClock;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/** What a Prometheus scrape of the meters looks like: the names dashboards and alerts are written against. */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PrometheusNamingTest {
    @Test
    void theMetersReadAsPrometheusCountersAndGaugesInBaseUnits() throws InterruptedException {
        Supervisor workers = Supervisor.builder("workers").clock(new ManualClock()).build();
        workers.add("worker", ctx -> ctx.awaitStop());
        Supervisor root = Supervisor.builder("orders").clock(new ManualClock()).onEvent(e -> { }).build();
        root.add("workers", workers);
        root.start();
        try {
            Until.until("worker started", () -> workers.health().totals().starts() == 1);
            PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            SupervisorMetrics.of(root).bindTo(registry);
            String text = registry.scrape();
            System.out.println(text);

            assertThat(text).contains("# HELP arbor_supervisor_starts_total Service runs started by the supervisor")
                    .contains("# TYPE arbor_supervisor_starts_total counter")
                    .contains("arbor_supervisor_starts_total{supervisor=\"orders\"} 1.0")
                    .contains("arbor_supervisor_starts_total{supervisor=\"orders/workers\"} 1.0")
                    .contains("arbor_supervisor_children{state=\"running\",supervisor=\"orders\"} 1.0")
                    .contains("arbor_supervisor_state{state=\"running\",supervisor=\"orders/workers\"} 1.0")
                    .contains("arbor_supervisor_status{status=\"up\",supervisor=\"orders\"} 1.0")
                    .contains("arbor_supervisor_backoff_remaining_seconds{supervisor=\"orders\"} 0.0")
                    .contains("arbor_supervisor_decayed_failures{supervisor=\"orders\"} 0.0")
                    .contains("arbor_supervisor_failure_threshold{supervisor=\"orders\"} 5.0")
                    .contains("arbor_supervisor_stop_timeouts_total{supervisor=\"orders\"} 0.0")
                    .contains("arbor_supervisors 2.0");
        } finally {
            root.stop();
        }
    }
}
