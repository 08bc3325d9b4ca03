package dev.arbor.functional;

import dev.arbor.Service;
import dev.arbor.ServiceContext;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A child for strategy tests. Each run waits for an order to fail; when asked to stop it writes
 * {@code "stop <name>"} to a journal shared by its siblings and ends, unless it was told to
 * {@link #hold()}: then it ignores its stop request (and every interrupt) until {@link #release()},
 * so a test can look at the other children while it is still stopping. Tests release every held
 * sibling before they end, so no thread outlives them.
 */
final class Sibling implements Service {
    private final String name;
    private final List<String> journal;
    private final LinkedBlockingQueue<RuntimeException> orders = new LinkedBlockingQueue<>();
    private final CountDownLatch released = new CountDownLatch(1);
    private volatile boolean hold;
    private volatile boolean stopSeen;

    Sibling(String name, List<String> journal) {
        this.name = name;
        this.journal = journal;
    }

    String name() {
        return name;
    }

    /** The current run fails. */
    void fail() {
        orders.add(new IllegalStateException(name + " failed"));
    }

    /** From now on, a run asked to stop hangs until {@link #release()}. */
    Sibling hold() {
        hold = true;
        return this;
    }

    /** Lets a held run (and every later one) end. */
    void release() {
        released.countDown();
    }

    /** True once some run of this sibling saw its stop request. */
    boolean stopSeen() {
        return stopSeen;
    }

    @Override
    public void serve(ServiceContext ctx) throws Exception {
        try {
            throw orders.take();
        } catch (InterruptedException e) {
            if (!ctx.isStopping()) {
                throw e;
            }
        }
        journal.add("stop " + name);
        stopSeen = true;
        if (hold) {
            while (true) {
                try {
                    if (released.await(1, TimeUnit.DAYS)) {
                        return;
                    }
                } catch (InterruptedException ignored) {
                    // held: interrupts do not end it
                }
            }
        }
    }
}
