package dev.arbor.bench.jmh;

import dev.arbor.ChildInfo;
import dev.arbor.Supervisor;
import java.util.List;
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

/** The {@code children()} snapshot of a supervisor with N idle children. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class ChildrenBench {
    @Param({"10", "1000"})
    public int n;

    private Supervisor sup;

    @Setup(Level.Trial)
    public void setUp() {
        sup = Services.runningWithIdleChildren("jmh-children", "c", n);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws InterruptedException {
        sup.stop();
    }

    @Benchmark
    public List<ChildInfo> children() {
        return sup.children();
    }
}
