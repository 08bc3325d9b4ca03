package dev.arbor.examples;

import dev.arbor.Service;
import dev.arbor.ServiceContext;
import dev.arbor.examples.queue.InMemoryQueue;

import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Publishes a {@link MessagePlan} to the queue: regular messages at a steady rate, the poison
 * burst all at once. Meant to run as a {@link dev.arbor.Restart#TRANSIENT} child: it returns when
 * everything is published and is then removed.
 *
 * <p>Its position lives in this object, not in a run, so that a restarted run carries on where
 * the last one stopped instead of publishing everything again. Only one run at a time, so the
 * fields need visibility (the supervisor starts each run after the previous one ended), not locks.
 */
public final class Producer implements Service {
    private final InMemoryQueue queue;
    private final MessagePlan plan;
    private final double ratePerSecond;

    private volatile int next;          // index in the plan of the next message to publish
    private volatile int paced;         // regular messages published so far: the pacing clock
    private volatile long startNanos;   // when the first run began
    private volatile boolean started;

    /**
     * @param queue         where to publish
     * @param plan          what to publish
     * @param ratePerSecond regular messages per second; 0 publishes as fast as possible
     * @throws NullPointerException     if queue or plan is null
     * @throws IllegalArgumentException if the rate is negative, NaN or infinite
     */
    public Producer(InMemoryQueue queue, MessagePlan plan, double ratePerSecond) {
        this.queue = Objects.requireNonNull(queue, "queue must not be null");
        this.plan = Objects.requireNonNull(plan, "plan must not be null");
        if (!(ratePerSecond >= 0) || Double.isInfinite(ratePerSecond)) {
            throw new IllegalArgumentException("ratePerSecond must be finite and >= 0, was " + ratePerSecond);
        }
        this.ratePerSecond = ratePerSecond;
    }

    @Override
    public void serve(ServiceContext ctx) throws InterruptedException {
        if (!started) {
            startNanos = System.nanoTime();
            started = true;
        }
        while (next < plan.size() && !ctx.isStopping()) {
            MessagePlan.Planned message = plan.get(next + 1);
            if (message.kind() != MessagePlan.Kind.POISON) {
                waitForTurn();
                paced++;
            }
            queue.publish(message.id(), message.body());
            next++;
        }
    }

    /** How many messages were published. */
    public int published() {
        return next;
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
