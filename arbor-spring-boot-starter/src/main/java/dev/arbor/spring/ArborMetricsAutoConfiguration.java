package dev.arbor.spring;

import dev.arbor.micrometer.SupervisorMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.ContextRefreshedEvent;

/**
 * Micrometer meters for every root supervisor bean's tree ({@link SupervisorMetrics}), when
 * Micrometer is on the class path and there is a {@link MeterRegistry} bean. Spring Boot binds the
 * binder to its registries; {@code management.metrics.enable.arbor=false} turns the meters off.
 * Replace it by declaring a {@link SupervisorMetrics} bean.
 */
@AutoConfiguration(after = ArborAutoConfiguration.class, afterName = {
        "org.springframework.boot.actuate.autoconfigure.metrics.MetricsAutoConfiguration",
        "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration"})
@ConditionalOnClass({MeterRegistry.class, SupervisorMetrics.class})
@ConditionalOnBean({MeterRegistry.class, SupervisorBeans.class})
public class ArborMetricsAutoConfiguration {
    /** Used by Spring. */
    public ArborMetricsAutoConfiguration() {
    }

    /**
     * The binder: the roots are read on every snapshot, so the trees found when the lifecycle has
     * started them are the ones measured (child supervisor beans under their root's path only).
     *
     * @param beans the supervisor beans
     * @return the binder, bound by Spring Boot
     */
    @Bean
    @ConditionalOnMissingBean
    SupervisorMetrics arborSupervisorMetrics(SupervisorBeans beans) {
        return SupervisorMetrics.builderForRoots(() -> beans.roots().values()).build();
    }

    /**
     * Registers the meters of the trees as soon as the lifecycle has started them (the context is
     * refreshed after every lifecycle has started), rather than at the first read of a meter.
     *
     * @param metrics the binder
     * @return the listener
     */
    @Bean
    ApplicationListener<ContextRefreshedEvent> arborMetricsRefresher(SupervisorMetrics metrics) {
        return event -> metrics.refresh();
    }
}
