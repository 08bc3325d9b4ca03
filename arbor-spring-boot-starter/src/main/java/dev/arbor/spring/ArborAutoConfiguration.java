package dev.arbor.spring;

import dev.arbor.Supervisor;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * Runs the application's {@link Supervisor} beans with the context ({@link ArborLifecycle}), when
 * there is at least one and {@code arbor.lifecycle.enabled} is not false. The health indicator and
 * the meters are configured by {@link ArborHealthContributorAutoConfiguration} and
 * {@link ArborMetricsAutoConfiguration}.
 */
@AutoConfiguration
@ConditionalOnBean(Supervisor.class)
@EnableConfigurationProperties(ArborProperties.class)
public class ArborAutoConfiguration {
    /** Used by Spring. */
    public ArborAutoConfiguration() {
    }

    @Bean
    SupervisorBeans arborSupervisorBeans(ListableBeanFactory factory, ObjectProvider<Supervisor> supervisors,
                                         ArborProperties properties) {
        return new SupervisorBeans(factory, supervisors, properties.lifecycle().enabled());
    }

    /**
     * The lifecycle that starts and stops the root supervisor beans.
     *
     * @param beans      the supervisor beans
     * @param properties {@code arbor.*}
     * @return the lifecycle
     */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnProperty(prefix = "arbor.lifecycle", name = "enabled", havingValue = "true", matchIfMissing = true)
    ArborLifecycle arborLifecycle(SupervisorBeans beans, ArborProperties properties) {
        return new ArborLifecycle(beans, properties.lifecycle().phase());
    }
}
