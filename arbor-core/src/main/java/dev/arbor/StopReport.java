package dev.arbor;

import java.util.List;
import java.util.Objects;

/**
 * What a stop left behind: every service run, anywhere in the tree below the stopped supervisor,
 * that was still running when the stop finished. A run is listed when it ignored its stop request
 * past its shutdown timeout, now or after an earlier request (a {@code remove}, a strategy
 * restart). Listed runs keep their threads; nothing more is done to them.
 *
 * @param unstopped the runs still running, depth first in add order; an immutable list
 */
public record StopReport(List<UnstoppedService> unstopped) {
    /** Copies the list, which must not be null nor hold nulls. */
    public StopReport {
        unstopped = List.copyOf(Objects.requireNonNull(unstopped, "unstopped"));
    }

    /**
     * Whether the stop left nothing behind.
     *
     * @return true when nothing was left running
     */
    public boolean clean() {
        return unstopped.isEmpty();
    }
}
