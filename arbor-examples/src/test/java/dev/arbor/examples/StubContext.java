package dev.arbor.examples;

import dev.arbor.ServiceContext;

import java.util.function.BooleanSupplier;

/** A {@link ServiceContext} for calling a service's {@code serve} directly, without a supervisor. */
final class StubContext implements ServiceContext {
    private final String name;
    private final BooleanSupplier stopping;

    /** @param stopping asked by every {@link #isStopping()}: the test decides when the run should end */
    StubContext(String name, BooleanSupplier stopping) {
        this.name = name;
        this.stopping = stopping;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean isStopping() {
        return stopping.getAsBoolean();
    }

    @Override
    public void awaitStop() {
        throw new UnsupportedOperationException("not used by the demo's services");
    }

    @Override
    public void onStop(Runnable action) {
        throw new UnsupportedOperationException("not used by the demo's services");
    }

    @Override
    public int restarts() {
        return 0;
    }
}
