package dev.arbor.spring;

import org.springframework.boot.actuate.health.CompositeHealthContributor;
import org.springframework.boot.actuate.health.HealthContributor;
import org.springframework.boot.actuate.health.NamedContributor;

import java.util.Iterator;
import java.util.List;

/**
 * The {@code arbor} health component: one {@link SupervisorHealthIndicator} per root supervisor
 * bean, by bean name, read anew on every health request (the roots are known only once the
 * lifecycle has started them).
 */
final class ArborHealthContributor implements CompositeHealthContributor {
    private final SupervisorBeans beans;

    ArborHealthContributor(SupervisorBeans beans) {
        this.beans = beans;
    }

    @Override
    public HealthContributor getContributor(String name) {
        var supervisor = beans.roots().get(name);
        return supervisor == null ? null : new SupervisorHealthIndicator(supervisor);
    }

    @Override
    public Iterator<NamedContributor<HealthContributor>> iterator() {
        List<NamedContributor<HealthContributor>> members = beans.roots().entrySet().stream()
                .map(e -> NamedContributor.<HealthContributor>of(e.getKey(), new SupervisorHealthIndicator(e.getValue())))
                .toList();
        return members.iterator();
    }
}
