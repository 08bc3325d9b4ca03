package dev.arbor.internal;

import dev.arbor.ChildSpec;
import dev.arbor.ChildState;
import dev.arbor.ServiceRef;

/**
 * One child of one supervisor: its spec, its place in add order, and its current run. It is also
 * the child's {@link ServiceRef}, so refs compare by identity.
 *
 * <p>Mutable fields are guarded by the owning supervisor's lock.
 */
final class Child implements ServiceRef, EventChannel.SpanKey {
    final SupervisorCore owner;
    final ChildSpec spec;
    final long seq;               // add order within the owner

    Run run;                      // the live run, or null
    ChildState idleState = ChildState.WAITING;   // WAITING or BACKOFF while run == null
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

    Child(SupervisorCore owner, ChildSpec spec, long seq) {
        this.owner = owner;
        this.spec = spec;
        this.seq = seq;
    }

    @Override
    public String name() {
        return spec.name();
    }

    ChildState state() {
        if (run == null) {
            return idleState;
        }
        return run.stopRequested ? ChildState.STOPPING : ChildState.RUNNING;
    }

    /**
     * Marks an idle child WAITING, writing only on change: a pass over 100,000 children that have
     * lived long enough to reach the old generation would otherwise pay a GC card-marking write
     * barrier for each (the finishing pass showed as 40% of stop()'s samples after a full GC).
     */
    void markWaiting() {
        if (idleState != ChildState.WAITING) {
            idleState = ChildState.WAITING;
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
        return "ServiceRef[" + owner.name() + "/" + spec.name() + "]";
    }
}
