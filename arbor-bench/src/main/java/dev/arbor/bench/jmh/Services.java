package dev.arbor.bench.jmh;

import dev.arbor.Service;

/** Services the benchmarks share. */
final class Services {
    private Services() {}

    /** A failure without a stack trace: these benchmarks measure the supervisor, not {@code fillInStackTrace}. */
    static final RuntimeException BOOM = new RuntimeException("boom", null, false, false) {
        private static final long serialVersionUID = 1L;
    };

    /** A child that does nothing until asked to stop. */
    static final Service IDLE = ctx -> ctx.awaitStop();
}
