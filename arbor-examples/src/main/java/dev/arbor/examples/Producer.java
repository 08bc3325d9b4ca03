package dev.arbor.examples;

import dev.arbor.Service;
import dev.arbor.ServiceContext;
import dev.arbor.examples.broker.Broker;
import dev.arbor.examples.broker.Publisher;

import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Publishes a {@link MessagePlan} to the broker: regular messages at a steady rate, the poison
 * burst all at once. Meant to run as a {@link dev.arbor.Restart#TRANSIENT} child: it returns when
 * everything is published and is then removed.
 *
 * <p>Its position lives in a {@link PublishedCount}, not in a run, so that a restarted run (or,
 * with a count kept in a file, a restarted process) carries on where the last one stopped instead
 * of publishing everything again. Each run opens its own {@link Publisher}. Only one run at a
 * time, so the pacing fields need visibility (the supervisor starts each run after the previous
 * one ended), not locks.
 */
public final class Producer implements Service {
    private final Broker broker;
    private final MessagePlan plan;
    private final double ratePerSecond;
    private final PublishedCount published;

    private volatile long paced;        // regular messages published by this process: the pacing clock
    private volatile long startNanos;   // when this process's first run began
    private volatile boolean started;

    /**
     * A producer that starts at the beginning of the plan and keeps its position in memory.
     *
     * @throws NullPointerException     if broker or plan is null
     * @throws IllegalArgumentException if the rate is negative, NaN or infinite
     */
    public Producer(Broker broker, MessagePlan plan, double ratePerSecond) {
        this(broker, plan, ratePerSecond, PublishedCount.inMemory());
    }

    /**
     * @param broker        where to publish
     * @param plan          what to publish
     * @param ratePerSecond regular messages per second; 0 publishes as fast as possible
     * @param published     how many messages of the plan were published already, updated after each
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException if the rate is negative, NaN or infinite, or the count is beyond the plan
     */
    public Producer(Broker broker, MessagePlan plan, double ratePerSecond, PublishedCount published) {
        this.broker = Objects.requireNonNull(broker, "broker must not be null");
        this.plan = Objects.requireNonNull(plan, "plan must not be null");
        if (!(ratePerSecond >= 0) || Double.isInfinite(ratePerSecond)) {
            throw new IllegalArgumentException("ratePerSecond must be finite and >= 0, was " + ratePerSecond);
        }
        this.ratePerSecond = ratePerSecond;
        this.published = Objects.requireNonNull(published, "published must not be null");
        if (published.get() > plan.size()) {
            throw new IllegalArgumentException("published count " + published.get() + " is beyond the plan of "
                    + plan.size());
        }
    }

    @Override
    public void serve(ServiceContext ctx) throws InterruptedException {
        if (!started) {
            startNanos = System.nanoTime();
            started = true;
        }
        if (published.get() >= plan.size()) {
            return;
        }
        try (Publisher publisher = broker.openPublisher()) {
            long next = published.get();
            while (next < plan.size() && !ctx.isStopping()) {
                MessagePlan.Planned message = plan.get(next + 1);
                if (message.kind() != MessagePlan.Kind.POISON) {
                    waitForTurn();
                    paced++;
                }
                publisher.publish(message.id(), message.body());
                published.set(++next);
            }
        }
    }

    /** How many messages were published, by this process and (when resumed) the ones before it. */
    public int published() {
        return (int) published.get();
    }

    private void waitForTurn() throws InterruptedException {
        if (ratePerSecond == 0) {
            return;
        }
        long due = startNanos + (long) (paced * 1e9 / ratePerSecond);
        long wait = due - System.nanoTime();
        if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);   // a stop interrupts it
        }
    }
}
