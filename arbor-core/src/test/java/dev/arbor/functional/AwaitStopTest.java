package dev.arbor.functional;

import dev.arbor.ServiceContext;
import dev.arbor.Supervisor;
import dev.arbor.SupervisorEvent.ServiceStarted;
import dev.arbor.SupervisorEvent.ServiceStopped;
import dev.arbor.support.EventLog;
import dev.arbor.testing.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * API.md: awaitStop() "blocks until a stop is requested, then returns normally (interrupt status
 * stays set); throws InterruptedException only for other interrupts".
 */
class AwaitStopTest {
    private final ManualClock clock = new ManualClock();
    private final EventLog log = new EventLog();
    private final Supervisor sup = Supervisor.builder("sup").clock(clock).onEvent(log).build();
    private final BlockingQueue<String> seen = new LinkedBlockingQueue<>();

    @AfterEach
    void stop() throws InterruptedException {
        sup.stop();
    }

    @Test
    void returnsNormallyOnAStopRequestWithTheInterruptStatusSet() throws Exception {
        sup.add("worker", ctx -> {
            ctx.awaitStop();
            seen.add("returned, stopping=" + ctx.isStopping() + ", interrupted=" + Thread.currentThread().isInterrupted());
        });
        sup.start();
        log.next(ServiceStarted.class);

        assertThat(sup.stop().clean()).isTrue();

        assertThat(Bound.take(seen)).isEqualTo("returned, stopping=true, interrupted=true");
        log.next(ServiceStopped.class);
    }

    @Test
    void returnsAtOnceWhenTheStopWasAlreadyRequested() throws Exception {
        CountDownLatch stopSeen = new CountDownLatch(1);
        sup.add("worker", ctx -> {
            ctx.awaitStop();
            Thread.interrupted();         // the service cleared the stop's interrupt
            stopSeen.countDown();
            ctx.awaitStop();              // must not block: the stop was requested already
            seen.add("second awaitStop returned");
        });
        sup.start();
        log.next(ServiceStarted.class);

        assertThat(sup.stop().clean()).isTrue();

        assertThat(Bound.take(seen)).isEqualTo("second awaitStop returned");
    }

    @Test
    void anotherInterruptThrowsInterruptedExceptionAndTheRunGoesOn() throws Exception {
        CompletableFuture<Thread> runThread = new CompletableFuture<>();
        sup.add("worker", ctx -> {
            runThread.complete(Thread.currentThread());
            try {
                ctx.awaitStop();
                seen.add("returned without a stop");
            } catch (InterruptedException e) {
                seen.add("threw, stopping=" + ctx.isStopping() + ", interrupted=" + Thread.currentThread().isInterrupted());
            }
            ctx.awaitStop();
            seen.add("returned on the stop");
        });
        sup.start();

        Bound.get(runThread).interrupt();       // not a stop request

        assertThat(Bound.take(seen)).isEqualTo("threw, stopping=false, interrupted=false");
        assertThat(sup.children()).singleElement().satisfies(c -> assertThat(c.state()).isEqualTo(dev.arbor.ChildState.RUNNING));
        assertThat(sup.stop().clean()).isTrue();
        assertThat(Bound.take(seen)).isEqualTo("returned on the stop");
    }

    @Test
    void anInterruptPendingBeforeTheCallThrows() throws Exception {
        sup.add("worker", ctx -> {
            Thread.currentThread().interrupt();
            try {
                ctx.awaitStop();
                seen.add("returned");
            } catch (InterruptedException e) {
                seen.add("threw");
            }
            ctx.awaitStop();
        });
        sup.start();

        assertThat(Bound.take(seen)).isEqualTo("threw");
    }

    @Test
    void anotherThreadOfTheServiceCanAwaitTheStopToo() throws Exception {
        CountDownLatch helperWaiting = new CountDownLatch(1);
        sup.add("worker", ctx -> {
            Thread helper = Thread.ofVirtual().start(() -> awaitFromHelper(ctx, helperWaiting));
            ctx.awaitStop();
            helper.join();
        });
        sup.start();
        Hung.await(helperWaiting, "helper waiting");
        assertThat(seen).isEmpty();

        assertThat(sup.stop().clean()).isTrue();

        assertThat(Bound.take(seen)).isEqualTo("helper returned, stopping=true");
    }

    private void awaitFromHelper(ServiceContext ctx, CountDownLatch waiting) {
        waiting.countDown();
        try {
            ctx.awaitStop();
            seen.add("helper returned, stopping=" + ctx.isStopping());
        } catch (InterruptedException e) {
            seen.add("helper interrupted");
        }
    }
}
