package dev.arbor.functional;

import dev.arbor.ChildSpec;
import dev.arbor.DoNotRestartException;
import dev.arbor.Restart;
import dev.arbor.ServiceRef;
import dev.arbor.StopReport;
import dev.arbor.Strategy;
import dev.arbor.Supervisor;
import dev.arbor.SupervisorEvent;
import dev.arbor.SupervisorEvent.ServiceCompleted;
import dev.arbor.SupervisorEvent.ServiceFailed;
import dev.arbor.SupervisorEvent.ServiceStarted;
import dev.arbor.SupervisorEvent.ServiceStopTimeout;
import dev.arbor.SupervisorEvent.ServiceStopped;
import dev.arbor.SupervisorEvent.SupervisorTerminated;
import dev.arbor.UnstoppedService;
import dev.arbor.support.EventLog;
import dev.arbor.support.Eventually;
import dev.arbor.support.Puppet;
import dev.arbor.testing.ManualClock;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * API.md "Events": every {@code ServiceStarted} is followed by exactly one end of that run
 * ({@code ServiceFailed}, {@code ServiceCompleted}, {@code ServiceStopped} or
 * {@code ServiceStopTimeout}), through every way a run can end, in a tree that shares one listener.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)   // a wedged supervisor fails, not hangs
class RunEventPairingTest {
    private final ManualClock clock = new ManualClock();
    private final EventLog log = new EventLog();

    @Test
    void everyServiceStartedIsFollowedByExactlyOneEndOfThatRun() throws Exception {
        Supervisor root = Supervisor.builder("root").clock(clock).onEvent(log).failureThreshold(100).build();
        Supervisor mid = Supervisor.builder("mid").clock(clock).strategy(Strategy.ONE_FOR_ALL).failureThreshold(100).build();
        AtomicInteger flakyRuns = new AtomicInteger();
        root.add("flaky", ctx -> {                                  // fails 3 times, then runs
            if (flakyRuns.incrementAndGet() <= 3) {
                throw new IllegalStateException("flaky");
            }
            ctx.awaitStop();
        });
        root.add(ChildSpec.of("transient", ctx -> { }).withRestart(Restart.TRANSIENT));
        root.add(ChildSpec.of("temporary", ctx -> {
            throw new IllegalStateException("temporary");
        }).withRestart(Restart.TEMPORARY));
        root.add("done", ctx -> {
            throw new DoNotRestartException("done");
        });
        Puppet removed = new Puppet();
        ServiceRef removedRef = root.add("removed", removed);
        CountDownLatch releaseStubborn = new CountDownLatch(1);
        CountDownLatch stubbornAsked = new CountDownLatch(1);
        root.add(ChildSpec.of("stubborn", ctx -> {
            ctx.onStop(stubbornAsked::countDown);
            while (true) {
                try {
                    releaseStubborn.await();
                    return;
                } catch (InterruptedException ignored) {
                    // ignores its stop request
                }
            }
        }).withShutdownTimeout(Duration.ofSeconds(1)));
        root.add("mid", mid);
        Puppet m1 = new Puppet();
        mid.add("m1", m1);
        mid.add("m2", new Puppet());

        try {
            root.start();
            Eventually.until("flaky ran a 4th time", () -> flakyRuns.get() == 4);
            Eventually.until("m1 and removed started", () -> log.all().containsAll(List.of(
                    new ServiceStarted("mid", "m1", 0), new ServiceStarted("root", "removed", 0))));
            m1.fail();                                              // ONE_FOR_ALL: m2 is stopped and both restart
            Eventually.until("m1 and m2 restarted", () -> log.all().contains(new ServiceStarted("mid", "m2", 1)));
            assertThat(root.remove(removedRef)).isTrue();
            Eventually.until("removed stopped", () -> log.all().contains(new ServiceStopped("root", "removed")));

            CompletableFuture<StopReport> stopping = new CompletableFuture<>();
            Thread.ofVirtual().start(() -> {
                try {
                    stopping.complete(root.stop());
                } catch (Throwable t) {
                    stopping.completeExceptionally(t);
                }
            });
            // REVERSE order: mid stops first, then stubborn is asked and gets the only timer left
            Eventually.until("stubborn asked to stop, its shutdown timeout the only timer",
                    () -> stubbornAsked.getCount() == 0 && clock.pendingTasks() == 1);
            clock.advance(Duration.ofSeconds(1));
            StopReport report = stopping.get(10, TimeUnit.SECONDS);
            assertThat(report.unstopped()).containsExactly(new UnstoppedService(List.of("root"), "stubborn"));
            log.await(SupervisorTerminated.class, t -> t.supervisor().equals("root"));
        } finally {
            releaseStubborn.countDown();
        }

        List<SupervisorEvent> all = log.all();
        Map<String, List<SupervisorEvent>> byRun = assertPaired(all);
        // every kind of end took part
        assertThat(all).hasAtLeastOneElementOfType(ServiceFailed.class)
                .hasAtLeastOneElementOfType(ServiceCompleted.class)
                .hasAtLeastOneElementOfType(ServiceStopped.class)
                .hasAtLeastOneElementOfType(ServiceStopTimeout.class);
        assertThat(byRun.get("root/flaky")).hasSize(8);            // 4 runs
        assertThat(byRun.get("root/mid")).hasSize(2);
        assertThat(byRun.get("mid/m1")).hasSize(4);                // 2 runs
        assertThat(byRun.get("mid/m2")).hasSize(4);
        assertThat(byRun.get("root/stubborn")).containsExactly(new ServiceStarted("root", "stubborn", 0),
                new ServiceStopTimeout("root", "stubborn"));
    }

    /** Groups run events by supervisor/service and checks each group is Started, end, Started, end... */
    private static Map<String, List<SupervisorEvent>> assertPaired(List<SupervisorEvent> all) {
        Map<String, List<SupervisorEvent>> byRun = new LinkedHashMap<>();
        for (SupervisorEvent e : all) {
            String service = switch (e) {
                case ServiceStarted s -> s.service();
                case ServiceFailed f -> f.service();
                case ServiceCompleted c -> c.service();
                case ServiceStopped s -> s.service();
                case ServiceStopTimeout t -> t.service();
                default -> null;
            };
            if (service != null) {
                byRun.computeIfAbsent(e.supervisor() + "/" + service, k -> new ArrayList<>()).add(e);
            }
        }
        List<String> problems = new ArrayList<>();
        byRun.forEach((run, events) -> {
            for (int i = 0; i < events.size(); i++) {
                boolean shouldStart = i % 2 == 0;
                if ((events.get(i) instanceof ServiceStarted) != shouldStart) {
                    problems.add(run + ": event " + i + " is " + events.get(i) + " in " + events);
                }
            }
            if (events.size() % 2 != 0) {
                problems.add(run + ": a run without an end in " + events);
            }
        });
        assertThat(problems).isEmpty();
        return byRun;
    }

    @Test
    void aChildSupervisorAbandonedAndRestartedWhileStillStoppingKeepsEveryRunPaired() throws Exception {
        Supervisor root = Supervisor.builder("root").clock(clock).onEvent(log).strategy(Strategy.ONE_FOR_ALL)
                .failureThreshold(100).build();
        Supervisor mid = Supervisor.builder("mid").clock(clock).build();
        CountDownLatch releaseLeaf = new CountDownLatch(1);
        AtomicInteger leafRuns = new AtomicInteger();
        Puppet trigger = new Puppet();
        root.add(ChildSpec.of("mid", mid).withShutdownTimeout(Duration.ofSeconds(1)));
        root.add("trigger", trigger);
        mid.add(ChildSpec.of("leaf", ctx -> {
            if (leafRuns.incrementAndGet() > 1) {
                ctx.awaitStop();
                return;
            }
            while (true) {                                          // the first run ignores its stop
                try {
                    releaseLeaf.await();
                    return;
                } catch (InterruptedException ignored) {
                    // stubborn
                }
            }
        }).withShutdownTimeout(Duration.ofSeconds(5)));
        try {
            root.start();
            Eventually.until("leaf and trigger started", () -> log.all().containsAll(List.of(
                    new ServiceStarted("mid", "leaf", 0), new ServiceStarted("root", "trigger", 0))));
            trigger.fail();                 // root stops mid (1 s), mid stops leaf (5 s)
            Eventually.until("both shutdown timeouts are on the clock", () -> clock.pendingTasks() == 2);
            clock.advance(Duration.ofSeconds(1));
            Eventually.until("root restarted mid", () -> log.all().contains(new ServiceStarted("root", "mid", 1)));
            clock.advance(Duration.ofSeconds(4));
            Eventually.until("mid's new run started leaf again", () -> leafRuns.get() == 2);
            assertThat(root.stop().unstopped()).extracting(u -> u.name()).containsExactly("leaf");
            log.await(SupervisorTerminated.class, t -> t.supervisor().equals("root"));
        } finally {
            releaseLeaf.countDown();
        }
        Map<String, List<SupervisorEvent>> byRun = assertPaired(log.all());
        assertThat(byRun.get("root/mid")).startsWith(new ServiceStarted("root", "mid", 0),
                new ServiceStopTimeout("root", "mid"), new ServiceStarted("root", "mid", 1));
        assertThat(byRun.get("mid/leaf")).startsWith(new ServiceStarted("mid", "leaf", 0),
                new ServiceStopTimeout("mid", "leaf"));
    }
}
