package dev.arbor.spring;

import dev.arbor.StopReport;
import dev.arbor.Supervisor;
import dev.arbor.SupervisorState;
import dev.arbor.UnstoppedService;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.context.SmartLifecycle;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;

/**
 * Runs the application's {@link Supervisor} beans with the application context: the root
 * supervisors start when the context starts and stop, in reverse order, in the context's shutdown.
 *
 * <ul>
 *   <li><b>Only roots are started.</b> On start, each supervisor bean still
 *       {@link SupervisorState#NEW} is started, in the context's order ({@code @Order}, then
 *       declaration order). A bean that another supervisor has as its child is not started on its
 *       own: its {@code start()} refuses, or its parent (started first) has already begun it. Its
 *       parent runs and stops it.</li>
 *   <li><b>Only what it started is stopped</b>: a supervisor that user code started before the
 *       context did is left to that code.</li>
 *   <li><b>Ordered stop.</b> On stop, the roots it started are stopped one after the other in
 *       reverse start order, each by {@link Supervisor#stop()}, which is bounded by the children's
 *       shutdown timeouts. The stop runs on its own thread and tells Spring when it is done, so the
 *       context's {@code spring.lifecycle.timeout-per-shutdown-phase} (30 s by default) bounds how
 *       long the context waits for it; supervisors stop before any bean is destroyed.</li>
 *   <li><b>Stop reports</b> are logged (INFO when clean, WARN listing what was left running) and
 *       kept, by bean name, in {@link #stopReports()}.</li>
 * </ul>
 *
 * <p><b>Phase</b>: {@value #DEFAULT_PHASE} by default ({@code SmartLifecycle.DEFAULT_PHASE - 4096},
 * configurable as {@code arbor.lifecycle.phase}): below the embedded web server's phases
 * ({@code DEFAULT_PHASE - 2048} to start and stop it, {@code DEFAULT_PHASE - 1024} for graceful
 * shutdown) and the default phase of other smart lifecycles (schedulers, message listener
 * containers). Supervised services are started before whatever feeds them work (requests, scheduled
 * jobs, listeners) and stopped after it has stopped and in-flight requests have drained.
 *
 * <p>Thread-safe.
 */
public final class ArborLifecycle implements SmartLifecycle {
    /** The default phase: {@code SmartLifecycle.DEFAULT_PHASE - 4096}. */
    public static final int DEFAULT_PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

    private static final Log LOG = LogFactory.getLog(ArborLifecycle.class);

    private final SupervisorBeans beans;
    private final int phase;
    private final ReentrantLock lock = new ReentrantLock();
    private final List<Map.Entry<String, Supervisor>> started = new ArrayList<>();   // lock
    private final Map<String, StopReport> reports = Collections.synchronizedMap(new LinkedHashMap<>());
    private volatile boolean running;

    ArborLifecycle(SupervisorBeans beans, int phase) {
        this.beans = Objects.requireNonNull(beans, "beans must not be null");
        this.phase = phase;
    }

    /** Starts every supervisor bean that is a root and still NEW, in order. */
    @Override
    public void start() {
        lock.lock();
        try {
            if (running) {
                return;
            }
            Map<String, Supervisor> newAtStart = new LinkedHashMap<>();
            beans.all().forEach((name, s) -> {
                if (s.state() == SupervisorState.NEW) {
                    newAtStart.put(name, s);
                }
            });
            newAtStart.forEach(this::startIfRoot);
            beans.classified();
            running = true;
        } finally {
            lock.unlock();
        }
    }

    private void startIfRoot(String bean, Supervisor supervisor) {
        if (supervisor.state() != SupervisorState.NEW) {
            beans.markChild(supervisor);          // begun by a parent started a moment ago
            LOG.debug("Supervisor bean '" + bean + "' is run by its parent supervisor");
            return;
        }
        try {
            supervisor.start();
        } catch (IllegalStateException childOfAnother) {
            beans.markChild(supervisor);
            LOG.debug("Supervisor bean '" + bean + "' is not a root: " + childOfAnother.getMessage());
            return;
        }
        started.add(Map.entry(bean, supervisor));
        LOG.info("Started supervisor '" + supervisor.name() + "' (bean '" + bean + "')");
    }

    /** Stops the started roots in reverse order, waiting for each; see {@link #stop(Runnable)}. */
    @Override
    public void stop() {
        stopAll(takeStarted());
    }

    /**
     * Stops the started roots in reverse order on a thread of its own, then runs {@code callback}.
     *
     * @param callback told when every root has stopped
     * @throws NullPointerException if callback is null
     */
    @Override
    public void stop(Runnable callback) {
        Objects.requireNonNull(callback, "callback must not be null");
        List<Map.Entry<String, Supervisor>> roots = takeStarted();
        Thread.ofPlatform().name("arbor-lifecycle-stop").daemon().start(() -> {
            try {
                stopAll(roots);
            } finally {
                callback.run();
            }
        });
    }

    private List<Map.Entry<String, Supervisor>> takeStarted() {
        lock.lock();
        try {
            running = false;
            List<Map.Entry<String, Supervisor>> roots = new ArrayList<>(started);
            started.clear();
            Collections.reverse(roots);
            return roots;
        } finally {
            lock.unlock();
        }
    }

    private void stopAll(List<Map.Entry<String, Supervisor>> roots) {
        for (Map.Entry<String, Supervisor> root : roots) {
            try {
                StopReport report = root.getValue().stop();
                reports.put(root.getKey(), report);
                log(root.getKey(), root.getValue(), report);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                LOG.warn("Interrupted while stopping supervisor '" + root.getValue().name()
                        + "'; its stop goes on, the supervisors after it were not stopped");
                return;
            }
        }
    }

    private static void log(String bean, Supervisor supervisor, StopReport report) {
        String what = "Supervisor '" + supervisor.name() + "' (bean '" + bean + "')";
        String cause = supervisor.terminationCause().map(t -> "; it had terminated: " + t).orElse("");
        if (report.clean()) {
            LOG.info(what + " stopped cleanly" + cause);
        } else {
            LOG.warn(what + " stopped, leaving " + report.unstopped().size() + " service(s) running: "
                    + report.unstopped().stream().map(ArborLifecycle::pathOf).collect(Collectors.joining(", "))
                    + cause);
        }
    }

    private static String pathOf(UnstoppedService s) {
        return String.join("/", s.path()) + "/" + s.name();
    }

    /**
     * Whether the supervisors it started are running: true from {@link #start()} to the next stop.
     *
     * @return true while running
     */
    @Override
    public boolean isRunning() {
        return running;
    }

    /**
     * The phase it starts and stops in; see the class comment.
     *
     * @return {@code arbor.lifecycle.phase}, {@value #DEFAULT_PHASE} by default
     */
    @Override
    public int getPhase() {
        return phase;
    }

    /**
     * The bean names of the supervisors it started, in start order (the order they stop in reversed).
     *
     * @return an immutable list; empty before start and after stop
     */
    public List<String> startedSupervisors() {
        lock.lock();
        try {
            return started.stream().map(Map.Entry::getKey).toList();
        } finally {
            lock.unlock();
        }
    }

    /**
     * The reports of the supervisors it stopped, by bean name, in stop order.
     *
     * @return an immutable copy; empty until a stop has finished
     */
    public Map<String, StopReport> stopReports() {
        synchronized (reports) {
            return Collections.unmodifiableMap(new LinkedHashMap<>(reports));
        }
    }
}
