package dev.arbor.internal;

import dev.arbor.ChildSpec;
import dev.arbor.Restart;
import dev.arbor.Service;

/** Builds engine records for unit tests of the compute-only helpers, with no supervisor behind them. */
final class Children {
    private static final Service IDLE = ctx -> { };
    private long seq;

    /** A child in add order with no owner and no run. */
    Child idle(String name) {
        return idle(name, Restart.PERMANENT);
    }

    Child idle(String name, Restart restart) {
        return new Child(null, name, ChildSpec.of(name, IDLE).withRestart(restart), seq++);
    }

    /** A child in add order with a live run. */
    Child running(String name) {
        return running(name, Restart.PERMANENT);
    }

    Child running(String name, Restart restart) {
        Child child = idle(name, restart);
        child.run = new Run(child, 0);
        return child;
    }
}
