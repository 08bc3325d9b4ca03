package dev.arbor.bench.jmh;

import dev.arbor.Supervisor;
import dev.arbor.SupervisorEvent;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One restart of a child that throws at once, under a supervisor that never backs off, and the delivery
 * of the events it causes. Each invocation lets the current run throw and waits until the next run has
 * started ({@link #restart}) or until the listener has received the {@code ServiceFailed}
 * ({@link #failureEvent}); the handshake with the child costs two virtual-thread wake-ups.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class RestartBench {
    private final Semaphore gate = new Semaphore(0);
    private final Semaphore started = new Semaphore(0);
    private final Semaphore failedEvents = new Semaphore(0);
    private Supervisor sup;

    @Setup(Level.Trial)
    public void setUp() throws InterruptedException {
        sup = Supervisor.builder("jmh-restart")
                .failureThreshold(Double.MAX_VALUE)
                .onEvent(e -> {
                    if (e instanceof SupervisorEvent.ServiceFailed) {
                        failedEvents.release();
                    }
                })
                .build();
        sup.add("failer", ctx -> {
            started.release();
            gate.acquire();
            throw Services.BOOM;
        });
        sup.start();
        started.acquire(); // the first run is up and waits at the gate
    }

    @TearDown(Level.Trial)
    public void tearDown() throws InterruptedException {
        sup.stop();
    }

    @Benchmark
    public void restart() throws InterruptedException {
        gate.release();
        started.acquire();
        failedEvents.drainPermits();
    }

    @Benchmark
    public void failureEvent() throws InterruptedException {
        gate.release();
        failedEvents.acquire();
        started.acquire();
    }
}
