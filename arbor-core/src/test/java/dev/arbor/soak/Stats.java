package dev.arbor.soak;

import dev.arbor.SupervisorEvent;
import dev.arbor.SupervisorEvent.BackoffStarted;
import dev.arbor.SupervisorEvent.ServiceCompleted;
import dev.arbor.SupervisorEvent.ServiceFailed;
import dev.arbor.SupervisorEvent.ServiceStarted;
import dev.arbor.SupervisorEvent.ServiceStopTimeout;
import dev.arbor.SupervisorEvent.ServiceStopped;
import dev.arbor.SupervisorEvent.SupervisorTerminated;

import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAccumulator;

/** Figures of soak runs; thread-safe; {@link #add} sums another run's figures in. */
final class Stats {
    final AtomicLong runs = new AtomicLong();
    final AtomicLong events = new AtomicLong();
    final AtomicLong starts = new AtomicLong();
    final AtomicLong restarts = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    final AtomicLong completed = new AtomicLong();
    final AtomicLong stopped = new AtomicLong();
    final AtomicLong stopTimeouts = new AtomicLong();
    final AtomicLong backoffs = new AtomicLong();
    final AtomicLong terminations = new AtomicLong();
    final AtomicLong modelChecks = new AtomicLong();
    final AtomicLong listenerThrows = new AtomicLong();
    final AtomicLong listenerBlocks = new AtomicLong();
    final AtomicLong storms = new AtomicLong();
    final AtomicLong spinMillis = new AtomicLong();
    final LongAccumulator peakSpinners = new LongAccumulator(Math::max, 0);
    final AtomicLong supervisors = new AtomicLong();
    final AtomicLong threadsCreated = new AtomicLong();
    final AtomicLong unstoppedReported = new AtomicLong();
    final AtomicLong threadsAliveAfterStop = new AtomicLong();
    final AtomicLong stopCalls = new AtomicLong();
    final LongAccumulator maxStopMillis = new LongAccumulator(Math::max, 0);
    /** Largest stop duration as a per-mille fraction of its bound (slack excluded). */
    final LongAccumulator maxStopPerMilleOfBound = new LongAccumulator(Math::max, 0);
    final AtomicLong engineWarnings = new AtomicLong();
    private final AtomicLongArray faults = new AtomicLongArray(Fault.values().length);
    private final Map<String, AtomicLong> calls = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> userCodeFaults = new ConcurrentHashMap<>();

    void fault(Fault f) {
        faults.incrementAndGet(f.ordinal());
    }

    /** A fault of a jitter, thread factory or clock (issue 8). */
    void userCodeFault(String what) {
        userCodeFaults.computeIfAbsent(what, k -> new AtomicLong()).incrementAndGet();
    }

    long totalUserCodeFaults() {
        return userCodeFaults.values().stream().mapToLong(AtomicLong::get).sum();
    }

    void call(String what) {
        calls.computeIfAbsent(what, k -> new AtomicLong()).incrementAndGet();
    }

    void event(SupervisorEvent e) {
        events.incrementAndGet();
        switch (e) {
            case ServiceStarted s -> {
                starts.incrementAndGet();
                if (s.restarts() > 0) {
                    restarts.incrementAndGet();
                }
            }
            case ServiceFailed f -> failed.incrementAndGet();
            case ServiceCompleted c -> completed.incrementAndGet();
            case ServiceStopped s -> stopped.incrementAndGet();
            case ServiceStopTimeout t -> stopTimeouts.incrementAndGet();
            case BackoffStarted b -> backoffs.incrementAndGet();
            default -> { }
        }
    }

    void terminated(SupervisorTerminated e) {
        terminations.incrementAndGet();
    }

    void modelChecked(boolean ok) {
        modelChecks.incrementAndGet();
    }

    long totalCalls() {
        return calls.values().stream().mapToLong(AtomicLong::get).sum();
    }

    long totalFaults() {
        long n = 0;
        for (int i = 0; i < faults.length(); i++) {
            n += faults.get(i);
        }
        return n;
    }

    Map<Fault, Long> faults() {
        Map<Fault, Long> m = new EnumMap<>(Fault.class);
        for (Fault f : Fault.values()) {
            m.put(f, faults.get(f.ordinal()));
        }
        return m;
    }

    Map<String, Long> calls() {
        Map<String, Long> m = new TreeMap<>();
        calls.forEach((k, v) -> m.put(k, v.get()));
        return m;
    }

    void add(Stats o) {
        runs.addAndGet(o.runs.get());
        events.addAndGet(o.events.get());
        starts.addAndGet(o.starts.get());
        restarts.addAndGet(o.restarts.get());
        failed.addAndGet(o.failed.get());
        completed.addAndGet(o.completed.get());
        stopped.addAndGet(o.stopped.get());
        stopTimeouts.addAndGet(o.stopTimeouts.get());
        backoffs.addAndGet(o.backoffs.get());
        terminations.addAndGet(o.terminations.get());
        modelChecks.addAndGet(o.modelChecks.get());
        listenerThrows.addAndGet(o.listenerThrows.get());
        listenerBlocks.addAndGet(o.listenerBlocks.get());
        storms.addAndGet(o.storms.get());
        spinMillis.addAndGet(o.spinMillis.get());
        peakSpinners.accumulate(o.peakSpinners.get());
        supervisors.addAndGet(o.supervisors.get());
        threadsCreated.addAndGet(o.threadsCreated.get());
        unstoppedReported.addAndGet(o.unstoppedReported.get());
        threadsAliveAfterStop.addAndGet(o.threadsAliveAfterStop.get());
        stopCalls.addAndGet(o.stopCalls.get());
        maxStopMillis.accumulate(o.maxStopMillis.get());
        maxStopPerMilleOfBound.accumulate(o.maxStopPerMilleOfBound.get());
        engineWarnings.addAndGet(o.engineWarnings.get());
        for (int i = 0; i < faults.length(); i++) {
            faults.addAndGet(i, o.faults.get(i));
        }
        o.calls.forEach((k, v) -> calls.computeIfAbsent(k, x -> new AtomicLong()).addAndGet(v.get()));
        o.userCodeFaults.forEach((k, v) -> userCodeFaults.computeIfAbsent(k, x -> new AtomicLong()).addAndGet(v.get()));
    }

    String summary() {
        return String.format(
                "runs %d, supervisors %d, events %d, starts %d, restarts %d, failures %d, completed %d, stopped %d,"
                        + " stop timeouts %d, backoffs %d, terminations %d, failure counts checked %d,%n"
                        + "  calls %d %s,%n  faults %d %s,%n  user code faults %d %s,%n"
                        + "  listener throws %d, listener blocks %d, engine warnings logged %d,%n"
                        + "  spin storms %d (peak %d spinners at once, %d ms spun), threads created %d,"
                        + " stop() calls %d (max %d ms, max %d%% of bound), unstopped reported %d,"
                        + " threads alive after stop %d (all named in reports)",
                runs.get(), supervisors.get(), events.get(), starts.get(), restarts.get(), failed.get(),
                completed.get(), stopped.get(), stopTimeouts.get(), backoffs.get(), terminations.get(),
                modelChecks.get(), totalCalls(), calls(), totalFaults(), faults(), totalUserCodeFaults(),
                new TreeMap<>(userCodeFaults), listenerThrows.get(),
                listenerBlocks.get(), engineWarnings.get(), storms.get(), peakSpinners.get(), spinMillis.get(),
                threadsCreated.get(), stopCalls.get(), maxStopMillis.get(), maxStopPerMilleOfBound.get() / 10,
                unstoppedReported.get(), threadsAliveAfterStop.get());
    }
}
