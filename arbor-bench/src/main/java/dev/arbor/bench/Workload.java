package dev.arbor.bench;

/** One workload of one system. {@code run <= 0} is a warm-up: do the work, emit nothing. */
@FunctionalInterface
public interface Workload {
    void run(Params p, Results out, int run) throws Exception;
}
