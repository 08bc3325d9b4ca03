package dev.arbor.spring;

import dev.arbor.Supervisor;
import dev.arbor.SupervisorState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link ArborLifecycle}: root supervisor beans start with the context and stop in reverse order on
 * close, before any bean is destroyed; a child supervisor bean is run by its parent only; what user
 * code started is left to it.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class LifecycleTest {
    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ArborAutoConfiguration.class));

    /** What happened, in order, across beans: stops of services and destruction of beans. */
    static final class Journal {
        final List<String> entries = new CopyOnWriteArrayList<>();
    }

    static Supervisor supervisor(String name, Journal journal) {
        Supervisor s = Supervisor.builder(name).onEvent(e -> { }).build();
        s.add("svc", ctx -> {
            ctx.awaitStop();
            journal.entries.add(name + " stopped");
        });
        return s;
    }

    @Configuration(proxyBeanMethods = false)
    static class TwoRoots {
        @Bean
        Journal journal() {
            return new Journal();
        }

        @Bean
        Supervisor first(Journal journal) {
            return supervisor("first", journal);
        }

        @Bean
        Supervisor second(Journal journal) {
            return supervisor("second", journal);
        }

        @Bean
        DisposableBean resource(Journal journal) {
            return () -> journal.entries.add("resource destroyed");
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class TwoOrderedRoots {
        @Bean
        Journal journal() {
            return new Journal();
        }

        @Bean
        @Order(2)
        Supervisor first(Journal journal) {
            return supervisor("first", journal);
        }

        @Bean
        @Order(1)
        Supervisor second(Journal journal) {
            return supervisor("second", journal);
        }
    }

    /** The child is declared (and so visited) before its parent. */
    @Configuration(proxyBeanMethods = false)
    static class ChildDeclaredFirst {
        @Bean
        Journal journal() {
            return new Journal();
        }

        @Bean
        Supervisor workers(Journal journal) {
            return supervisor("workers", journal);
        }

        @Bean
        Supervisor orders(Journal journal, Supervisor workers) {
            Supervisor orders = supervisor("orders", journal);
            orders.add("workers", workers);
            return orders;
        }
    }

    /** The parent is declared (and so started) before its child. */
    @Configuration
    static class ParentDeclaredFirst {
        @Bean
        Journal journal() {
            return new Journal();
        }

        @Bean
        Supervisor orders() {
            Supervisor orders = supervisor("orders", journal());
            orders.add("workers", workers());
            return orders;
        }

        @Bean
        Supervisor workers() {
            return supervisor("workers", journal());
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OneStartedByUserCode {
        @Bean
        Journal journal() {
            return new Journal();
        }

        @Bean
        Supervisor managed(Journal journal) {
            return supervisor("managed", journal);
        }

        @Bean
        Supervisor handStarted(Journal journal) {
            Supervisor s = supervisor("handStarted", journal);
            s.start();
            return s;
        }
    }

    @Test
    void withoutSupervisorBeansNothingIsConfigured() {
        runner.run(ctx -> assertThat(ctx).hasNotFailed().doesNotHaveBean(ArborLifecycle.class)
                .doesNotHaveBean(SupervisorBeans.class));
    }

    @Test
    void rootsStartWithTheContextAndStopInReverseOrderBeforeAnyBeanIsDestroyed() {
        runner.withUserConfiguration(TwoRoots.class).run(ctx -> {
            Supervisor first = ctx.getBean("first", Supervisor.class);
            Supervisor second = ctx.getBean("second", Supervisor.class);
            ArborLifecycle lifecycle = ctx.getBean(ArborLifecycle.class);
            assertThat(first.state()).isEqualTo(SupervisorState.RUNNING);
            assertThat(second.state()).isEqualTo(SupervisorState.RUNNING);
            assertThat(lifecycle.isRunning()).isTrue();
            assertThat(lifecycle.startedSupervisors()).containsExactly("first", "second");
            Journal journal = ctx.getBean(Journal.class);

            ctx.close();

            assertThat(journal.entries).containsExactly("second stopped", "first stopped", "resource destroyed");
            assertThat(first.state()).isEqualTo(SupervisorState.TERMINATED);
            assertThat(lifecycle.stopReports()).containsOnlyKeys("second", "first");
            assertThat(lifecycle.stopReports().keySet()).containsExactly("second", "first");
            assertThat(lifecycle.stopReports().values()).allSatisfy(r -> assertThat(r.clean()).isTrue());
            assertThat(lifecycle.isRunning()).isFalse();
        });
    }

    @Test
    void orderOnTheBeanMethodsDecidesTheStartOrderAndSoTheStopOrder() {
        runner.withUserConfiguration(TwoOrderedRoots.class).run(ctx -> {
            assertThat(ctx.getBean(ArborLifecycle.class).startedSupervisors()).containsExactly("second", "first");
            Journal journal = ctx.getBean(Journal.class);
            ctx.close();
            assertThat(journal.entries).containsExactly("first stopped", "second stopped");
        });
    }

    @Test
    void aChildSupervisorBeanDeclaredBeforeItsParentIsNotStartedOnItsOwn() {
        runner.withUserConfiguration(ChildDeclaredFirst.class).run(this::onlyTheParentIsARoot);
    }

    @Test
    void aChildSupervisorBeanDeclaredAfterItsParentIsNotStartedOnItsOwn() {
        runner.withUserConfiguration(ParentDeclaredFirst.class).run(this::onlyTheParentIsARoot);
    }

    private void onlyTheParentIsARoot(org.springframework.context.ConfigurableApplicationContext ctx) {
        Supervisor orders = ctx.getBean("orders", Supervisor.class);
        Supervisor workers = ctx.getBean("workers", Supervisor.class);
        ArborLifecycle lifecycle = ctx.getBean(ArborLifecycle.class);
        assertThat(lifecycle.startedSupervisors()).containsExactly("orders");
        assertThat(ctx.getBean(SupervisorBeans.class).roots()).containsOnlyKeys("orders");
        assertThat(workers.state()).isEqualTo(SupervisorState.RUNNING);     // run by its parent
        assertThat(orders.health().children()).extracting(c -> c.name()).containsExactly("svc", "workers");
        Journal journal = ctx.getBean(Journal.class);

        ctx.close();

        // the parent stops its children in reverse add order: the child supervisor first, then svc
        assertThat(journal.entries).containsExactly("workers stopped", "orders stopped");
        assertThat(lifecycle.stopReports()).containsOnlyKeys("orders");
        assertThat(workers.state()).isEqualTo(SupervisorState.TERMINATED);
    }

    @Test
    void aSupervisorThatUserCodeStartedIsLeftToIt() {
        runner.withUserConfiguration(OneStartedByUserCode.class).run(ctx -> {
            ArborLifecycle lifecycle = ctx.getBean(ArborLifecycle.class);
            assertThat(lifecycle.startedSupervisors()).containsExactly("managed");
            lifecycle.stop();
            assertThat(ctx.getBean("managed", Supervisor.class).state()).isEqualTo(SupervisorState.TERMINATED);
            assertThat(ctx.getBean("handStarted", Supervisor.class).state()).isEqualTo(SupervisorState.RUNNING);
        });
    }

    @Test
    void turnedOffTheLifecycleStartsNothing() {
        runner.withUserConfiguration(TwoRoots.class).withPropertyValues("arbor.lifecycle.enabled=false").run(ctx -> {
            assertThat(ctx).doesNotHaveBean(ArborLifecycle.class);
            assertThat(ctx.getBean("first", Supervisor.class).state()).isEqualTo(SupervisorState.NEW);
            assertThat(ctx.getBean(SupervisorBeans.class).roots()).containsOnlyKeys("first", "second");
        });
    }

    @Test
    void thePhaseIsBelowTheWebServersAndConfigurable() {
        assertThat(ArborLifecycle.DEFAULT_PHASE).isLessThan(SmartLifecycle.DEFAULT_PHASE - 2048);   // web server start/stop
        runner.withUserConfiguration(TwoRoots.class).run(ctx ->
                assertThat(ctx.getBean(ArborLifecycle.class).getPhase()).isEqualTo(ArborLifecycle.DEFAULT_PHASE));
        runner.withUserConfiguration(TwoRoots.class).withPropertyValues("arbor.lifecycle.phase=42").run(ctx ->
                assertThat(ctx.getBean(ArborLifecycle.class).getPhase()).isEqualTo(42));
    }
}
