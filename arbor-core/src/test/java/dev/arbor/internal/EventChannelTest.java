package dev.arbor.internal;

import dev.arbor.SupervisorEvent;
import dev.arbor.SupervisorEvent.ServiceStarted;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The channel alone: every published event reaches the listener once, in publish order per
 * publisher, never two at a time, whether it comes alone (the drainer is woken) or inside a stream
 * (the drainer sleeps through it and takes it in a batch). Real-time waits are upper bounds only.
 */
class EventChannelTest {
    private static final long BOUND_SECONDS = 30;

    /** What publishers do: record under a lock, publish as they release it, signal after. */
    private static final class Publisher {
        private final EventChannel channel;
        private final ReentrantLock lock = new ReentrantLock();
        private final EventChannel.Batch batch = new EventChannel.Batch();

        Publisher(EventChannel channel) {
            this.channel = channel;
        }

        void publish(List<? extends SupervisorEvent> events) {
            boolean signal;
            lock.lock();
            try {
                events.forEach(batch::add);
                signal = channel.publish(batch);
            } finally {
                lock.unlock();
            }
            if (signal) {
                channel.signal();
            }
        }
    }

    /** A listener that checks it is never called concurrently and keeps each publisher's sequence. */
    private static final class Recorder implements java.util.function.Consumer<SupervisorEvent> {
        final ConcurrentHashMap<String, List<Integer>> seen = new ConcurrentHashMap<>();
        final AtomicBoolean inside = new AtomicBoolean();
        final AtomicBoolean overlapped = new AtomicBoolean();
        final CountDownLatch all;

        Recorder(int expected) {
            all = new CountDownLatch(expected);
        }

        @Override
        public void accept(SupervisorEvent e) {
            if (!inside.compareAndSet(false, true)) {
                overlapped.set(true);
            }
            ServiceStarted s = (ServiceStarted) e;
            seen.computeIfAbsent(s.supervisor(), k -> new ArrayList<>()).add(s.restarts());
            inside.set(false);
            all.countDown();
        }
    }

    private static List<ServiceStarted> events(String publisher, int from, int count) {
        List<ServiceStarted> list = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            list.add(new ServiceStarted(publisher, "c", i));
        }
        return list;
    }

    @Test
    void aLoneEventAfterAStreamIsStillDelivered() throws InterruptedException {
        Recorder recorder = new Recorder(101);
        Publisher p = new Publisher(new EventChannel(recorder));
        for (int i = 0; i < 100; i++) {
            p.publish(events("p", i, 1));      // a stream: the drainer sleeps through some of it
        }
        LockSupport.parkNanos(3_000_000);      // the drainer is asleep by now, in one mode or the other
        p.publish(events("p", 100, 1));
        assertThat(recorder.all.await(BOUND_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(recorder.seen.get("p")).isEqualTo(sequence(101));
    }

    @Test
    void anInterruptLeftByTheListenerDoesNotReachTheNextEvent() throws InterruptedException {
        List<Boolean> interruptedOnEntry = new ArrayList<>();
        CountDownLatch two = new CountDownLatch(2);
        Publisher p = new Publisher(new EventChannel(e -> {
            interruptedOnEntry.add(Thread.currentThread().isInterrupted());
            Thread.currentThread().interrupt();
            two.countDown();
        }));
        p.publish(events("p", 0, 1));
        p.publish(events("p", 1, 1));
        assertThat(two.await(BOUND_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(interruptedOnEntry).containsExactly(false, false);
    }

    /**
     * Platform and virtual publishers, each with random gaps and batch sizes, so that the drainer
     * keeps switching between woken looks and stream sleeps while events keep coming.
     */
    @RepeatedTest(20)
    void manyPublishersLoseNothingAndKeepTheirOrder() throws InterruptedException {
        int publishers = 6;
        int perPublisher = 3_000;
        Recorder recorder = new Recorder(publishers * perPublisher);
        EventChannel channel = new EventChannel(recorder);
        List<Thread> threads = new ArrayList<>();
        AtomicInteger seeds = new AtomicInteger(new Random().nextInt());
        for (int t = 0; t < publishers; t++) {
            String name = "p" + t;
            Publisher p = new Publisher(channel);
            Random random = new Random(seeds.incrementAndGet());
            Runnable body = () -> {
                for (int sent = 0; sent < perPublisher; ) {
                    int n = Math.min(perPublisher - sent, 1 + random.nextInt(random.nextBoolean() ? 2 : 20));
                    p.publish(events(name, sent, n));
                    sent += n;
                    if (random.nextInt(8) == 0) {
                        LockSupport.parkNanos(random.nextInt(300_000));
                    }
                }
            };
            threads.add(t % 2 == 0 ? Thread.ofPlatform().start(body) : Thread.ofVirtual().start(body));
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(recorder.all.await(BOUND_SECONDS, TimeUnit.SECONDS))
                .as("all events delivered (seeds from %d)", seeds.get() - publishers + 1).isTrue();
        assertThat(recorder.overlapped).isFalse();
        for (int t = 0; t < publishers; t++) {
            assertThat(recorder.seen.get("p" + t)).isEqualTo(sequence(perPublisher));
        }
    }

    private static List<Integer> sequence(int n) {
        List<Integer> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            list.add(i);
        }
        return list;
    }
}
