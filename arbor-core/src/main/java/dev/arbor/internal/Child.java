package dev.arbor.internal;

import dev.arbor.ChildSpec;
import dev.arbor.ChildState;
import dev.arbor.Restart;
import dev.arbor.Service;
import dev.arbor.ServiceRef;
import java.time.Duration;

/**
 * One child of one supervisor: its spec, its place in add order, and its current run. It is also
 * the child's {@link ServiceRef}, so refs compare by identity.
 *
 * <p>Mutable fields are guarded by the owning supervisor's lock.
 *
 * <p>Its size is watched (issue 12: every idle child costs this object, its {@link Run}, a thread and
 * a slot of the {@link ChildTable}): with compressed references it takes 64 bytes, 8 references, a long,
 * an int and 7 booleans. So a child added by name and service keeps no {@link ChildSpec} of its own (it
 * would cost 32 bytes more): {@link #definition} is then the bare service, whose spec is {@link #DEFAULTS}'.
 * A field added here is likely to cost 8 bytes per child: check with a class histogram
 * ({@code jcmd <pid> GC.class_histogram}) around a spawn of 100,000 children.
 */
final class Child implements ServiceRef, EventChannel.SpanKey {
    /** What a child added by name and service has: {@code ChildSpec.of}'s restart, timeout and options. */
    private static final ChildSpec DEFAULTS = ChildSpec.of("defaults", ctx -> { });

    final SupervisorCore owner;
    private final String name;
    private final Object definition; // the ChildSpec it was added with, or only its Service (DEFAULTS for the rest)
    final long seq;               // add order within the owner

    Run run;                      // the live run, or null
    boolean inBackoff;            // while run == null: BACKOFF, else WAITING
    int restarts;
    boolean everStarted;
    Throwable lastFailure;
    boolean removed;              // remove() asked for it: drop it once its run is gone
    boolean gone;                 // no longer a current child
    boolean held;                 // stopChild: stays WAITING until startChild, restartChild or a new run of its supervisor
    boolean restartRequested;     // restartChild: start again once the current run is gone
    StopBatch batch;              // the batch waiting for this child's run to end, if any
    Child prevInTable;            // add order among the owner's current children (ChildTable)
    Child nextInTable;
    private boolean startDropped; // its run's ServiceStarted was dropped: drop the run's end too

    /** @param definition a {@link ChildSpec}, or a {@link Service} for a child with {@link #DEFAULTS}' spec */
    Child(SupervisorCore owner, String name, Object definition, long seq) {
        assert definition instanceof ChildSpec || definition instanceof Service;
        this.owner = owner;
        this.name = name;
        this.definition = definition;
        this.seq = seq;
    }

    @Override
    public String name() {
        return name;
    }

    private ChildSpec specOrDefaults() {
        return definition instanceof ChildSpec spec ? spec : DEFAULTS;
    }

    Service service() {
        return definition instanceof ChildSpec spec ? spec.service() : (Service) definition;
    }

    Restart restart() {
        return specOrDefaults().restart();
    }

    /** The child's own shutdown timeout, or null for the supervisor's default. */
    Duration shutdownTimeout() {
        return specOrDefaults().shutdownTimeout();
    }

    ChildSpec.Options options() {
        return specOrDefaults().options();
    }

    ChildState state() {
        if (run == null) {
            return inBackoff ? ChildState.BACKOFF : ChildState.WAITING;
        }
        return run.stopRequested ? ChildState.STOPPING : ChildState.RUNNING;
    }

    /**
     * Marks an idle child WAITING, writing only on change: a pass over 100,000 children that have
     * lived long enough to reach the old generation would otherwise pay a GC card-marking write
     * barrier for each (the finishing pass showed as 40% of stop()'s samples after a full GC).
     */
    void markWaiting() {
        if (inBackoff) {
            inBackoff = false;
        }
    }

    @Override
    public boolean startDropped() {
        return startDropped;
    }

    @Override
    public void startDropped(boolean dropped) {
        startDropped = dropped;
    }

    @Override
    public String toString() {
        return "ServiceRef[" + owner.name() + "/" + name + "]";
    }
}
