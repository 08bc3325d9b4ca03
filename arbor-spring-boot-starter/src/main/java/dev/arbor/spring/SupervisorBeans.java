package dev.arbor.spring;

import dev.arbor.Supervisor;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The application's {@link Supervisor} singleton beans, by bean name, in the context's order
 * ({@code @Order}, then declaration order), and which of them are another supervisor's child
 * ({@link Supervisor#isChild()}, known once every singleton is instantiated, since parents add their
 * children while they are built). A bean also counts as a child once {@link ArborLifecycle} has seen
 * it refuse {@code start()} or be begun by its parent, for a child added to its parent later.
 *
 * <p>Thread-safe: the bean map is set once, after every singleton is instantiated; the set of
 * children only grows.
 */
final class SupervisorBeans implements SmartInitializingSingleton {
    private final ListableBeanFactory factory;
    private final ObjectProvider<Supervisor> ordered;
    private final Set<Supervisor> children = Collections.newSetFromMap(new ConcurrentHashMap<>());
    private volatile Map<String, Supervisor> all = Map.of();
    private volatile boolean classified;

    /**
     * @param byLifecycle whether {@link ArborLifecycle} will tell roots from children; until it has,
     *                    {@link #roots()} is empty, so that no child is ever shown as a root of its own
     */
    SupervisorBeans(ListableBeanFactory factory, ObjectProvider<Supervisor> ordered, boolean byLifecycle) {
        this.factory = factory;
        this.ordered = ordered;
        this.classified = !byLifecycle;
    }

    @Override
    public void afterSingletonsInstantiated() {
        Map<String, Supervisor> byName = factory.getBeansOfType(Supervisor.class, false, true);
        Map<Supervisor, String> names = new IdentityHashMap<>();
        byName.forEach((name, s) -> names.put(s, name));
        Map<String, Supervisor> inOrder = new LinkedHashMap<>();
        ordered.orderedStream().filter(names::containsKey).forEach(s -> inOrder.put(names.get(s), s));
        inOrder.values().stream().filter(Supervisor::isChild).forEach(children::add);
        all = Collections.unmodifiableMap(inOrder);
        classified = true;      // every parent has added its children by now
    }

    /** Every supervisor singleton bean, in order; empty until the singletons are instantiated. */
    Map<String, Supervisor> all() {
        return all;
    }

    /**
     * The beans not known to be another supervisor's child, in order; empty until the lifecycle (if
     * there is one) has started them.
     */
    Map<String, Supervisor> roots() {
        Map<String, Supervisor> roots = new LinkedHashMap<>();
        if (!classified) {
            return roots;
        }
        all.forEach((name, s) -> {
            if (!children.contains(s)) {
                roots.put(name, s);
            }
        });
        return roots;
    }

    void markChild(Supervisor supervisor) {
        children.add(supervisor);
    }

    /** The lifecycle has started the roots and marked every child it found. */
    void classified() {
        classified = true;
    }
}
