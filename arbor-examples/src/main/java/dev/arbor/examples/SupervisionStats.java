package dev.arbor.examples;

import dev.arbor.SupervisorEvent;
import dev.arbor.SupervisorEvent.BackoffStarted;
import dev.arbor.SupervisorEvent.ServiceFailed;
import dev.arbor.SupervisorEvent.ServiceStarted;
import dev.arbor.SupervisorEvent.SupervisorTerminated;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Counts what the workers' supervisor reports, from Arbor's event stream alone: crashes
 * ({@link ServiceFailed}), restarts ({@link ServiceStarted} with {@code restarts > 0}), backoffs
 * ({@link BackoffStarted}). Installed with {@code Supervisor.Builder.onEvent} on the root; the
 * workers' supervisor has no listener of its own, so its events come here too, and the
 * {@code supervisor()} of each event tells them apart.
 *
 * <p>Arbor calls a listener from one thread at a time, but the progress line reads the counters
 * from another, hence the atomics.
 */
public final class SupervisionStats implements Consumer<SupervisorEvent> {
    private final String root;
    private final String workers;

    private final AtomicLong crashes = new AtomicLong();
    private final AtomicLong restarts = new AtomicLong();
    private final AtomicLong backoffs = new AtomicLong();
    private final AtomicLong backoffNanos = new AtomicLong();
    private final AtomicLong otherFailures = new AtomicLong();
    private final AtomicReference<Double> peakFailures = new AtomicReference<>(0.0);
    private final AtomicReference<Throwable> firstOtherFailure = new AtomicReference<>();
    private final ConcurrentHashMap<String, Long> crashCauses = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Throwable> exampleCauses = new ConcurrentHashMap<>();
    private final CountDownLatch rootTerminated = new CountDownLatch(1);

    /**
     * @param root    the name of the root supervisor, whose termination ends the event stream
     * @param workers the name of the supervisor whose children are counted
     * @throws NullPointerException if either is null
     */
    public SupervisionStats(String root, String workers) {
        this.root = Objects.requireNonNull(root, "root must not be null");
        this.workers = Objects.requireNonNull(workers, "workers must not be null");
    }

    @Override
    public void accept(SupervisorEvent event) {
        boolean ofWorkers = workers.equals(event.supervisor());
        switch (event) {
            case ServiceFailed failed when ofWorkers -> {
                crashes.incrementAndGet();
                peakFailures.accumulateAndGet(failed.failures(), Math::max);
                String cause = failed.cause() == null ? "returned" : failed.cause().getClass().getSimpleName();
                crashCauses.merge(cause, 1L, Long::sum);
                if (failed.cause() != null) {
                    exampleCauses.putIfAbsent(cause, failed.cause());
                }
            }
            case ServiceFailed failed -> {
                // The producer or the workers' supervisor itself failed: not part of the plan.
                otherFailures.incrementAndGet();
                if (failed.cause() != null) {
                    firstOtherFailure.compareAndSet(null, failed.cause());
                }
            }
            case ServiceStarted started when ofWorkers && started.restarts() > 0 -> restarts.incrementAndGet();
            case BackoffStarted backoff when ofWorkers -> {
                backoffs.incrementAndGet();
                backoffNanos.addAndGet(backoff.delay().toNanos());
            }
            case SupervisorTerminated terminated when root.equals(terminated.supervisor()) -> {
                rootTerminated.countDown();
            }
            default -> { }
        }
    }

    /** Worker runs that failed. */
    public long crashes() {
        return crashes.get();
    }

    /** Worker runs that were restarts. */
    public long restarts() {
        return restarts.get();
    }

    /** Backoffs of the workers' supervisor. */
    public long backoffs() {
        return backoffs.get();
    }

    /** The sum of the backoff delays (jitter included). */
    public Duration timeInBackoff() {
        return Duration.ofNanos(backoffNanos.get());
    }

    /** The highest decayed failure count a worker failure reported. */
    public double peakFailures() {
        return peakFailures.get();
    }

    /** Worker crashes by the simple class name of what they threw ("returned" for a normal return), sorted. */
    public Map<String, Long> crashCauses() {
        return new TreeMap<>(crashCauses);
    }

    /** The first crash of each cause in {@link #crashCauses()}. */
    public Map<String, Throwable> exampleCauses() {
        return new TreeMap<>(exampleCauses);
    }

    /** Failures of anything but a worker (the producer, the workers' supervisor). */
    public long otherFailures() {
        return otherFailures.get();
    }

    /** What the first failure of anything but a worker threw, if one threw. */
    public Optional<Throwable> firstOtherFailure() {
        return Optional.ofNullable(firstOtherFailure.get());
    }

    /**
     * Waits for the root's {@link SupervisorTerminated}, the last event of a run: after it the
     * counters are final.
     *
     * @return true if it arrived in time
     * @throws NullPointerException if timeout is null
     * @throws InterruptedException if interrupted while waiting
     */
    public boolean awaitRootTerminated(Duration timeout) throws InterruptedException {
        Objects.requireNonNull(timeout, "timeout must not be null");
        return rootTerminated.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }
}
