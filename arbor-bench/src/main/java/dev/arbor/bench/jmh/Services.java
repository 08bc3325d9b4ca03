package dev.arbor.bench.jmh;

import dev.arbor.Service;
import dev.arbor.Supervisor;

/** Services the benchmarks share. */
final class Services {
    private Services() {}

    /** A failure without a stack trace: these benchmarks measure the supervisor, not {@code fillInStackTrace}. */
    static final RuntimeException BOOM = new RuntimeException("boom", null, false, false) {
        private static final long serialVersionUID = 1L;
    };

    /** A child that does nothing until asked to stop. */
    static final Service IDLE = ctx -> ctx.awaitStop();

    /** A started supervisor (events dropped) with {@code n} {@link #IDLE} children named prefix0, prefix1, ... */
    static Supervisor runningWithIdleChildren(String name, String prefix, int n) {
        Supervisor sup = Supervisor.builder(name).onEvent(e -> { }).build();
        sup.start();
        for (int i = 0; i < n; i++) {
            sup.add(prefix + i, IDLE);
        }
        return sup;
    }
}
