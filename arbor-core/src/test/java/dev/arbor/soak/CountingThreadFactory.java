package dev.arbor.soak;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Makes the virtual thread of every service run of one soak run, and knows which are still inside
 * their body: each thread is tracked as (supervisor path, service name) from creation until its
 * body returns. A thread that never starts (it cannot happen here) would stay tracked.
 */
final class CountingThreadFactory {
    /** What a tracked thread runs for. */
    record Owner(List<String> path, String service) {}

    private final Map<Thread, Owner> live = new ConcurrentHashMap<>();
    private final AtomicLong created = new AtomicLong();

    /** The factory for the supervisor at {@code path}; names threads like the default one. */
    ThreadFactory forSupervisor(List<String> path) {
        return forSupervisor(path, null);
    }

    /**
     * The same, misbehaving now and then when {@code faults} is not null (issue 8): it throws,
     * returns null, a thread already started, a platform thread, a thread whose start() throws, or
     * one that never runs its Runnable. Threads that never run the body are not tracked: nothing
     * of the service runs in them.
     */
    ThreadFactory forSupervisor(List<String> path, UserCodeFaults faults) {
        List<String> fixed = List.copyOf(path);
        String supervisor = fixed.get(fixed.size() - 1);
        return body -> {
            UserCodeFaults.ThreadFault fault = faults == null ? UserCodeFaults.ThreadFault.NONE : faults.threadFault();
            if (fault != UserCodeFaults.ThreadFault.NONE) {
                faults.count("threadFactory: " + fault);
            }
            switch (fault) {
                case THROW -> throw new IllegalStateException("injected threadFactory bug");
                case FATAL -> throw new OutOfMemoryError("injected: unable to create native thread");
                case NULL -> {
                    return null;
                }
                case STARTED -> {
                    return Thread.ofVirtual().start(() -> { });
                }
                case NEVER_RUNS -> {
                    created.incrementAndGet();
                    return Thread.ofVirtual().unstarted(() -> { });
                }
                case START_THROWS -> {
                    return new Thread(body) {
                        @Override
                        public void start() {
                            throw new IllegalThreadStateException("injected: start() fails");
                        }
                    };
                }
                default -> { }
            }
            Thread[] self = new Thread[1];
            Thread.Builder builder = fault == UserCodeFaults.ThreadFault.PLATFORM
                    ? Thread.ofPlatform().daemon(true) : Thread.ofVirtual();
            Thread thread = builder.unstarted(() -> {
                try {
                    body.run();
                } finally {
                    live.remove(self[0]);
                }
            });
            self[0] = thread;
            // The supervisor gives no service name to the factory; the body tells it when it runs.
            // Threads are tracked from creation, so register with a placeholder owner now and let
            // the service name itself in FaultyService (see #name).
            live.put(thread, new Owner(fixed, "?"));
            thread.setName(supervisor + "/?");
            created.incrementAndGet();
            return thread;
        };
    }

    /** Called by a service run's body with its own name, so the owner names the service. */
    void name(String service) {
        Thread t = Thread.currentThread();
        live.computeIfPresent(t, (k, o) -> new Owner(o.path(), service));
        t.setName(t.getName().replace("/?", "/" + service));
    }

    Map<Thread, Owner> live() {
        return Map.copyOf(live);
    }

    long created() {
        return created.get();
    }
}
