package dev.arbor.spring;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Arbor's configuration properties, under {@code arbor}. Health and meters are switched with Spring
 * Boot's own properties: {@code management.health.arbor.enabled} and
 * {@code management.metrics.enable.arbor}.
 *
 * @param lifecycle how supervisor beans are run with the context
 */
@ConfigurationProperties("arbor")
public record ArborProperties(@DefaultValue Lifecycle lifecycle) {
    /**
     * {@code arbor.lifecycle.*}.
     *
     * @param enabled Whether root supervisor beans start and stop with the context (true by default).
     *                When false, starting and stopping them is left to the application.
     * @param phase   The SmartLifecycle phase that root supervisor beans start and stop in
     *                (SmartLifecycle.DEFAULT_PHASE - 4096 by default; see ArborLifecycle).
     */
    public record Lifecycle(@DefaultValue("true") boolean enabled,
                            @DefaultValue("" + ArborLifecycle.DEFAULT_PHASE) int phase) {
    }
}
