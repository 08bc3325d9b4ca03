/**
 * Spring Boot auto-configuration for Arbor: {@link dev.arbor.spring.ArborLifecycle} runs the
 * application's {@link dev.arbor.Supervisor} beans with the context,
 * {@link dev.arbor.spring.SupervisorHealthIndicator} reports each tree's health to the actuator, and
 * {@link dev.arbor.micrometer.SupervisorMetrics} measures the trees when Micrometer is present.
 */
package dev.arbor.spring;
