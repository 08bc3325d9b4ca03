package dev.arbor.support;

import dev.arbor.Service;
import dev.arbor.ServiceContext;

import java.util.concurrent.CountDownLatch;

/**
 * A service whose first run waits for {@link #fail()} and then throws; every later run waits for
 * its stop request. The test chooses the instant of the one failure (a strategy restart, say).
 */
public final class FailsOnce implements Service {
    private final CountDownLatch fail = new CountDownLatch(1);
    private final String message;

    /** @param message the message of the IllegalStateException the first run throws */
    public FailsOnce(String message) {
        this.message = message;
    }

    /** Lets the first run throw (at once if it is already waiting). */
    public void fail() {
        fail.countDown();
    }

    @Override
    public void serve(ServiceContext ctx) throws Exception {
        if (ctx.restarts() == 0) {
            fail.await();
            throw new IllegalStateException(message);
        }
        ctx.awaitStop();
    }
}
