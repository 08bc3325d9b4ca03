package dev.arbor.spring;

import dev.arbor.Jitter;
import dev.arbor.Supervisor;
import dev.arbor.testing.ManualClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.actuate.health.CompositeHealthContributor;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthContributor;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.NamedContributor;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code arbor} health component: one indicator per root supervisor bean, UP / DEGRADED / DOWN
 * from the health snapshot, the tree in the details; present only with the actuator and while
 * {@code management.health.arbor.enabled} is not false.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HealthIndicatorTest {
    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ArborAutoConfiguration.class,
                    ArborHealthContributorAutoConfiguration.class));

    /** orders: [workers: [worker]]; workers backs off for 10 s on its second failure at one instant. */
    @Configuration(proxyBeanMethods = false)
    static class Tree {
        @Bean
        ManualClock clock() {
            return new ManualClock();
        }

        @Bean
        Puppet worker() {
            return new Puppet();
        }

        @Bean
        Supervisor workers(ManualClock clock, Puppet worker) {
            Supervisor workers = Supervisor.builder("workers").clock(clock).failureThreshold(1)
                    .failureBackoff(Duration.ofSeconds(10)).backoffJitter(Jitter.none()).onEvent(e -> { }).build();
            workers.add("worker", worker);
            return workers;
        }

        @Bean
        Supervisor orders(ManualClock clock, Supervisor workers) {
            Supervisor orders = Supervisor.builder("orders").clock(clock).onEvent(e -> { }).build();
            orders.add("workers", workers);
            return orders;
        }
    }

    private static CompositeHealthContributor arbor(org.springframework.context.ApplicationContext ctx) {
        return (CompositeHealthContributor) ctx.getBean("arborHealthContributor", HealthContributor.class);
    }

    private static Health health(org.springframework.context.ApplicationContext ctx, String root) {
        return ((HealthIndicator) arbor(ctx).getContributor(root)).health();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }

    @Test
    void aRunningTreeIsUpWithTheTreeInTheDetails() {
        runner.withUserConfiguration(Tree.class).run(ctx -> {
            List<String> members = new ArrayList<>();
            for (NamedContributor<HealthContributor> member : arbor(ctx)) {
                members.add(member.getName());
            }
            assertThat(members).containsExactly("orders");                 // not the child bean "workers"
            assertThat(arbor(ctx).getContributor("workers")).isNull();

            Health health = health(ctx, "orders");
            assertThat(health.getStatus()).isEqualTo(Status.UP);
            assertThat(health.getDetails()).containsEntry("supervisor", "orders").containsEntry("state", "RUNNING");
            Map<String, Object> workers = map(map(health.getDetails().get("children")).get("workers"));
            assertThat(workers).containsEntry("state", "RUNNING").containsEntry("restart", "PERMANENT");
            Map<String, Object> sub = map(workers.get("supervisor"));
            assertThat(sub).containsEntry("supervisor", "workers").containsEntry("failureThreshold", 1.0);
            assertThat(map(map(sub.get("children")).get("worker"))).containsEntry("state", "RUNNING")
                    .containsEntry("restarts", 0);
            assertThat(map(sub.get("totals"))).containsEntry("starts", 1L);
        });
    }

    @Test
    void aChildSupervisorInBackoffMakesTheTreeDegradedAndShowsWhy() {
        runner.withUserConfiguration(Tree.class).run(ctx -> {
            Puppet worker = ctx.getBean(Puppet.class);
            Until.until("worker started", () -> worker.runs() == 1);
            worker.fail(new IllegalStateException("one"));
            Until.until("worker restarted", () -> worker.runs() == 2);
            worker.fail(new IllegalStateException("two"));
            Supervisor workers = ctx.getBean("workers", Supervisor.class);
            Until.until("workers backing off", () -> workers.health().backoffRemaining().isPresent());

            Health health = health(ctx, "orders");
            assertThat(health.getStatus()).isEqualTo(SupervisorHealthIndicator.DEGRADED);
            assertThat(health.getStatus().getCode()).isEqualTo("DEGRADED");
            Map<String, Object> sub = map(map(map(health.getDetails().get("children")).get("workers")).get("supervisor"));
            assertThat(sub).containsEntry("state", "BACKOFF").containsEntry("backoffRemaining", "PT10S")
                    .containsEntry("failures", 2.0);
            Map<String, Object> w = map(map(sub.get("children")).get("worker"));
            assertThat(w).containsEntry("state", "BACKOFF").containsEntry("lastFailure", "java.lang.IllegalStateException: two");
            assertThat(map(map(sub.get("totals")).get("failuresByCause")))
                    .containsEntry(IllegalStateException.class.getName(), 2L);
        });
    }

    @Test
    void aTreeThatIsNotServingIsDown() {
        runner.withUserConfiguration(Tree.class).withPropertyValues("arbor.lifecycle.enabled=false").run(ctx -> {
            assertThat(health(ctx, "orders").getStatus()).isEqualTo(Status.DOWN);   // NEW: never started
            Supervisor orders = ctx.getBean("orders", Supervisor.class);
            orders.start();
            assertThat(health(ctx, "orders").getStatus()).isEqualTo(Status.UP);
            orders.stop();
            assertThat(health(ctx, "orders").getStatus()).isEqualTo(Status.DOWN);   // TERMINATED
            assertThat(health(ctx, "orders").getDetails()).containsEntry("state", "TERMINATED");
        });
    }

    @Test
    void theIndicatorCanBeTurnedOffAndNeedsTheActuator() {
        runner.withUserConfiguration(Tree.class).withPropertyValues("management.health.arbor.enabled=false")
                .run(ctx -> assertThat(ctx).doesNotHaveBean("arborHealthContributor").hasSingleBean(ArborLifecycle.class));
        runner.withUserConfiguration(Tree.class).withClassLoader(new FilteredClassLoader(HealthContributor.class))
                .run(ctx -> assertThat(ctx).hasNotFailed().doesNotHaveBean("arborHealthContributor")
                        .hasSingleBean(ArborLifecycle.class));
    }

    @Test
    void statusesMapOneToOne() {
        assertThat(SupervisorHealthIndicator.statusOf(dev.arbor.HealthStatus.UP)).isEqualTo(Status.UP);
        assertThat(SupervisorHealthIndicator.statusOf(dev.arbor.HealthStatus.DOWN)).isEqualTo(Status.DOWN);
        assertThat(SupervisorHealthIndicator.statusOf(dev.arbor.HealthStatus.DEGRADED).getCode()).isEqualTo("DEGRADED");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new SupervisorHealthIndicator(null))
                .hasMessageContaining("supervisor");
    }
}
