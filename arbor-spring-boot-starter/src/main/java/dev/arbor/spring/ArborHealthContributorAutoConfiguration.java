package dev.arbor.spring;

import org.springframework.boot.actuate.autoconfigure.health.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.actuate.health.HealthContributor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * The {@code arbor} health component, one {@link SupervisorHealthIndicator} per root supervisor
 * bean, when Spring Boot's actuator is on the class path and {@code management.health.arbor.enabled}
 * is not false. Replace it by declaring a bean named {@code arborHealthContributor}.
 */
@AutoConfiguration(after = ArborAutoConfiguration.class)
@ConditionalOnClass(HealthContributor.class)
@ConditionalOnBean(SupervisorBeans.class)
@ConditionalOnEnabledHealthIndicator("arbor")
public class ArborHealthContributorAutoConfiguration {
    /** Used by Spring. */
    public ArborHealthContributorAutoConfiguration() {
    }

    /**
     * The {@code arbor} health component.
     *
     * @param beans the supervisor beans
     * @return a composite with one indicator per root supervisor bean
     */
    @Bean
    @ConditionalOnMissingBean(name = "arborHealthContributor")
    HealthContributor arborHealthContributor(SupervisorBeans beans) {
        return new ArborHealthContributor(beans);
    }
}
