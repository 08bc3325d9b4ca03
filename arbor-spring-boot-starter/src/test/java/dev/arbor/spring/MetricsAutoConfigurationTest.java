package dev.arbor.spring;

import dev.arbor.Supervisor;
import dev.arbor.micrometer.SupervisorMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MockClock;
import io.micrometer.core.instrument.simple.SimpleConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.actuate.autoconfigure.metrics.MetricsAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The meters: bound to the application's registry when Micrometer and a registry are there, for
 * every root bean's tree, with child supervisor beans under their root's path only.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class MetricsAutoConfigurationTest {
    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ArborAutoConfiguration.class, ArborMetricsAutoConfiguration.class,
                    MetricsAutoConfiguration.class));

    @Configuration(proxyBeanMethods = false)
    static class Tree {
        @Bean
        Supervisor workers() {
            Supervisor workers = Supervisor.builder("workers").build();
            workers.add("worker", ctx -> ctx.awaitStop());
            return workers;
        }

        @Bean
        Supervisor orders(Supervisor workers) {
            Supervisor orders = Supervisor.builder("orders").onEvent(e -> { }).build();
            orders.add("workers", workers);
            return orders;
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class Registry {
        @Bean
        MockClock meterClock() {
            return new MockClock();
        }

        @Bean
        MeterRegistry registry(MockClock meterClock) {
            return new SimpleMeterRegistry(SimpleConfig.DEFAULT, meterClock);
        }
    }

    @Test
    void theTreesOfRootBeansAreMeasuredAndChildBeansOnlyUnderTheirRoot() {
        runner.withUserConfiguration(Tree.class, Registry.class).run(ctx -> {
            assertThat(ctx).hasSingleBean(SupervisorMetrics.class);
            MeterRegistry registry = ctx.getBean(MeterRegistry.class);
            Supervisor workers = ctx.getBean("workers", Supervisor.class);
            Until.until("worker started", () -> workers.health().totals().starts() == 1);
            ctx.getBean(MockClock.class).add(Duration.ofSeconds(1));
            registry.getMeters().forEach(m -> m.measure().forEach(v -> v.getValue()));   // a scrape

            assertThat(registry.find(SupervisorMetrics.STARTS).meters())
                    .extracting(m -> m.getId().getTag("supervisor")).containsExactlyInAnyOrder("orders", "orders/workers");
            assertThat(registry.get(SupervisorMetrics.STARTS).tag("supervisor", "orders/workers").functionCounter().count())
                    .isEqualTo(1);
            assertThat(registry.get(SupervisorMetrics.SUPERVISORS).gauge().value()).isEqualTo(2);
        });
    }

    @Test
    void withoutMicrometerOrARegistryThereIsNoBinder() {
        runner.withUserConfiguration(Tree.class).withClassLoader(new FilteredClassLoader(MeterRegistry.class))
                .run(ctx -> assertThat(ctx).hasNotFailed().doesNotHaveBean(SupervisorMetrics.class)
                        .hasSingleBean(ArborLifecycle.class));
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(ArborAutoConfiguration.class, ArborMetricsAutoConfiguration.class))
                .withUserConfiguration(Tree.class)
                .run(ctx -> assertThat(ctx).hasNotFailed().doesNotHaveBean(SupervisorMetrics.class));
    }
}
