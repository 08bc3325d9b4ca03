package dev.arbor.bench.jmh;

import dev.arbor.ServiceRef;
import dev.arbor.Supervisor;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@code add} of an idle child to a running supervisor, then {@code removeAndWait} of it, next to a number
 * of idle siblings (the cost must not grow with them).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class AddRemoveBench {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Param({"0", "10000"})
    public int siblings;

    private Supervisor sup;

    @Setup(Level.Trial)
    public void setUp() {
        sup = Services.runningWithIdleChildren("jmh-add", "s", siblings);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws InterruptedException {
        sup.stop();
    }

    @Benchmark
    public boolean addThenRemoveAndWait() throws InterruptedException {
        ServiceRef ref = sup.add("x", Services.IDLE);
        return sup.removeAndWait(ref, WAIT);
    }
}
