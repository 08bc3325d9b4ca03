package dev.arbor.hardening;

import dev.arbor.ChildInfo;
import dev.arbor.ChildSpec;
import dev.arbor.ChildState;
import dev.arbor.DoNotRestartException;
import dev.arbor.Jitter;
import dev.arbor.Restart;
import dev.arbor.Service;
import dev.arbor.ServiceRef;
import dev.arbor.StopReport;
import dev.arbor.Supervisor;
import dev.arbor.SupervisorEvent;
import dev.arbor.SupervisorEvent.BackoffEnded;
import dev.arbor.SupervisorEvent.BackoffStarted;
import dev.arbor.SupervisorEvent.ServiceCompleted;
import dev.arbor.SupervisorEvent.ServiceFailed;
import dev.arbor.SupervisorEvent.ServiceStarted;
import dev.arbor.SupervisorEvent.ServiceStopped;
import dev.arbor.SupervisorEvent.SupervisorTerminated;
import dev.arbor.SupervisorState;
import dev.arbor.support.EventLog;
import dev.arbor.testing.ManualClock;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Seeded random sequences of public API calls (issue 4, "Bad input") against a small model of a
 * ONE_FOR_ONE supervisor on a {@link ManualClock}: adds (fresh and duplicate names, every restart
 * type), start, failures, normal returns, DoNotRestartException, clock advances (decay, backoff
 * ends), remove, removeAndWait, stop, calls after stop, and a bad call of every kind. After every
 * call the model predicts the exact events (failure counts included), the return value,
 * {@code state()} and {@code children()}; every rejected call must throw the documented exception
 * with a message that names what is wrong. Each seed is one test case, so a failure names the seed.
 *
 * <p>Children are puppets: each run blocks until the test orders how it ends, and a stop request
 * interrupts it, so every event happens at an instant the test chose. No sleeps.
 */
class ApiSequenceModelTest {
    private static final int SEQUENCES = Integer.getInteger("arbor.model.sequences", 150);
    private static final int STEPS = 60;
    private static final String[] NAMES = {"a", "b", "c", "d", "e"};

    static LongStream seeds() {
        long base = Long.getLong("arbor.model.seed", -1L);
        return base >= 0 ? LongStream.of(base) : LongStream.range(0, SEQUENCES).map(i -> 0xA91L * 31 + i);
    }

    private static final java.util.concurrent.atomic.AtomicLong CALLS = new java.util.concurrent.atomic.AtomicLong();
    private static final java.util.concurrent.atomic.AtomicLong REJECTED = new java.util.concurrent.atomic.AtomicLong();
    private static final java.util.concurrent.atomic.AtomicLong EVENTS = new java.util.concurrent.atomic.AtomicLong();

    @org.junit.jupiter.api.AfterAll
    static void figures() {
        System.out.printf("api model: %d sequences, %d calls, %d rejected calls checked, %d events predicted%n",
                seeds().count(), CALLS.get(), REJECTED.get(), EVENTS.get());
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void randomApiSequenceMatchesTheModel(long seed) throws Exception {
        new Sequence(seed).play();
    }

    private enum Order { FAIL, RETURN, DO_NOT_RESTART }

    private enum CState { WAITING, RUNNING, BACKOFF }

    private static final class MChild {
        final String name;
        final Restart restart;
        final LinkedBlockingQueue<Order> orders;
        ServiceRef ref;
        CState state = CState.WAITING;
        int restarts;
        boolean everStarted;
        Throwable lastFailure;

        MChild(String name, Restart restart, LinkedBlockingQueue<Order> orders) {
            this.name = name;
            this.restart = restart;
            this.orders = orders;
        }
    }

    private static final class Sequence {
        final long seed;
        final SplittableRandom r;
        final ManualClock clock = new ManualClock();
        final EventLog log = new EventLog();
        final String name;
        final Supervisor sup;
        final double threshold;
        final long decay;
        final long backoff;
        final Supervisor foreign;
        final ServiceRef foreignRef;
        final List<ServiceRef> staleRefs = new ArrayList<>();
        final Map<String, MChild> children = new LinkedHashMap<>();   // the model, in add order
        SupervisorState phase = SupervisorState.NEW;
        boolean inBackoff;
        long backoffEnd;
        double f;
        long tPrev;
        boolean counting;
        long now;
        StopReport report;
        int calls;

        Sequence(long seed) {
            this.seed = seed;
            this.r = new SplittableRandom(seed);
            this.name = "m" + seed;
            this.threshold = new double[] {0, 1, 2, 3.5}[r.nextInt(4)];
            this.decay = seconds(new double[] {0, 1, 10}[r.nextInt(3)]);
            this.backoff = seconds(new double[] {0, 1, 5}[r.nextInt(3)]);
            this.sup = Supervisor.builder(name).clock(clock).onEvent(log)
                    .failureThreshold(threshold).failureDecay(Duration.ofNanos(decay))
                    .failureBackoff(Duration.ofNanos(backoff)).backoffJitter(Jitter.none())
                    .shutdownTimeout(Duration.ofSeconds(60)).build();
            this.foreign = Supervisor.create("foreign" + seed);
            this.foreignRef = foreign.add("x", ctx -> { });
        }

        void play() throws Exception {
            try {
                for (int step = 0; step < STEPS; step++) {
                    step(step);
                    checkSnapshot();
                }
                stop();
                checkSnapshot();
                assertThat(log.isEmpty()).as("no event beyond the model's").isTrue();
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("seed " + seed + " (replay: -Darbor.model.seed=" + seed + "), after "
                        + calls + " calls, model children " + children.keySet() + ": " + e.getMessage(), e);
            } finally {
                sup.close();
                foreign.close();
            }
        }

        private void step(int step) throws Exception {
            calls++;
            CALLS.incrementAndGet();
            int x = r.nextInt(100);
            if (phase == SupervisorState.NEW && step > 3 && x < 30) {
                start();
            } else if (x < 22) {
                add();
            } else if (x < 40) {
                order(Order.FAIL);
            } else if (x < 46) {
                order(Order.RETURN);
            } else if (x < 49) {
                order(Order.DO_NOT_RESTART);
            } else if (x < 62) {
                advance();
            } else if (x < 70) {
                remove(false);
            } else if (x < 76) {
                remove(true);
            } else if (x < 78) {
                start();
            } else if (x < 80 && step > STEPS / 2) {
                stop();
            } else {
                badCall();
            }
        }

        // ------------------------------------------------------------ commands

        private void add() {
            String child = NAMES[r.nextInt(NAMES.length)];
            Restart restart = Restart.values()[r.nextInt(3)];
            LinkedBlockingQueue<Order> orders = new LinkedBlockingQueue<>();
            Service puppet = ctx -> {
                switch (orders.take()) {      // a stop interrupts the wait: the run ends stopped
                    case FAIL -> throw new IllegalStateException("ordered failure of " + ctx.name());
                    case RETURN -> { }
                    case DO_NOT_RESTART -> throw new DoNotRestartException("ordered");
                }
            };
            ChildSpec spec = ChildSpec.of(child, puppet).withRestart(restart);
            if (phase == SupervisorState.STOPPING || phase == SupervisorState.TERMINATED) {
                rejected(IllegalStateException.class, () -> sup.add(spec), name, child);
                return;
            }
            if (children.containsKey(child)) {
                rejected(IllegalArgumentException.class, () -> sup.add(spec), name, "\"" + child + "\"");
                return;
            }
            MChild c = new MChild(child, restart, orders);
            c.ref = sup.add(spec);
            assertThat(c.ref.name()).isEqualTo(child);
            children.put(child, c);
            if (phase == SupervisorState.RUNNING || phase == SupervisorState.BACKOFF) {
                startRun(c);
            }
        }

        private void start() {
            if (phase != SupervisorState.NEW) {
                rejected(IllegalStateException.class, sup::start, name);
                return;
            }
            sup.start();
            phase = SupervisorState.RUNNING;
            for (MChild c : children.values()) {
                startRun(c);
            }
        }

        private void startRun(MChild c) {
            c.restarts = c.everStarted ? c.restarts + 1 : 0;
            c.everStarted = true;
            c.state = CState.RUNNING;
            expect(new ServiceStarted(name, c.name, c.restarts));
        }

        private void order(Order order) {
            List<MChild> running = children.values().stream().filter(c -> c.state == CState.RUNNING).toList();
            if (running.isEmpty()) {
                advance();
                return;
            }
            MChild c = running.get(r.nextInt(running.size()));
            c.orders.add(order);
            switch (order) {
                case FAIL -> failure(c, true);
                case RETURN -> {
                    if (c.restart == Restart.PERMANENT) {
                        failure(c, false);
                    } else {
                        expect(new ServiceCompleted(name, c.name));
                        children.remove(c.name);
                        staleRefs.add(c.ref);
                    }
                }
                case DO_NOT_RESTART -> {
                    expect(new ServiceCompleted(name, c.name));
                    children.remove(c.name);
                    staleRefs.add(c.ref);
                }
            }
        }

        /** A failure: a thrown exception, or ({@code threw} false) a PERMANENT child's normal return. */
        private void failure(MChild c, boolean threw) {
            if (c.restart == Restart.TEMPORARY) {
                checkFailed(c, threw, decayed(), false, true);
                children.remove(c.name);
                staleRefs.add(c.ref);
                return;
            }
            double count = (!counting || decay == 0) ? 1.0 : decayed() + 1.0;
            f = count;
            tPrev = now;
            counting = true;
            if (!inBackoff && count > threshold) {
                inBackoff = true;
                backoffEnd = now + backoff;
                phase = SupervisorState.BACKOFF;
                expect(new BackoffStarted(name, Duration.ofNanos(backoff)));   // before its ServiceFailed
            }
            checkFailed(c, threw, count, !inBackoff, false);
            if (inBackoff) {
                c.state = CState.BACKOFF;
            } else {
                startRun(c);
            }
        }

        private void checkFailed(MChild c, boolean threw, double count, boolean restarting, boolean uncounted) {
            EVENTS.incrementAndGet();
            ServiceFailed e = log.next(ServiceFailed.class);
            assertThat(e.supervisor()).isEqualTo(name);
            assertThat(e.service()).isEqualTo(c.name);
            if (threw) {
                assertThat(e.cause()).isInstanceOf(IllegalStateException.class).hasMessageContaining(c.name);
                c.lastFailure = e.cause();
            } else {
                assertThat(e.cause()).as("a normal return has no cause").isNull();
            }
            boolean undecayedTie = uncounted && decay == 0 && counting && now == tPrev;   // 0.5^(0/0)
            if (!(undecayedTie && close(e.failures(), f))) {
                assertThat(e.failures()).as("failure count of %s at t=%d ns", e, now).isCloseTo(count, within(count));
            }
            assertThat(e.threshold()).isEqualTo(threshold);
            assertThat(e.restarting()).as("restarting of %s", e).isEqualTo(restarting);
        }

        private double decayed() {
            if (!counting) {
                return 0;
            }
            long elapsed = now - tPrev;
            if (elapsed == 0) {
                return f;
            }
            return decay == 0 ? 0 : f * Math.pow(0.5, (double) elapsed / decay);
        }

        private void advance() {
            long d = seconds(new double[] {0, 0.1, 1, 5}[r.nextInt(4)]);
            clock.advance(Duration.ofNanos(d));
            now += d;
            if (inBackoff && backoffEnd <= now && phase == SupervisorState.BACKOFF) {
                inBackoff = false;
                phase = SupervisorState.RUNNING;
                f = 0;
                counting = false;
                expect(new BackoffEnded(name));
                for (MChild c : children.values()) {
                    if (c.state == CState.BACKOFF) {
                        startRun(c);
                    }
                }
            }
        }

        private void remove(boolean andWait) throws InterruptedException {
            ServiceRef ref;
            MChild c = null;
            if (!staleRefs.isEmpty() && (children.isEmpty() || r.nextInt(4) == 0)) {
                ref = staleRefs.get(r.nextInt(staleRefs.size()));
            } else if (!children.isEmpty()) {
                List<MChild> all = new ArrayList<>(children.values());
                c = all.get(r.nextInt(all.size()));
                ref = c.ref;
            } else {
                return;
            }
            boolean removed = andWait ? sup.removeAndWait(ref, Duration.ofSeconds(10)) : sup.remove(ref);
            assertThat(removed).as("%s(%s)", andWait ? "removeAndWait" : "remove", ref).isEqualTo(c != null);
            if (c != null) {
                if (c.state == CState.RUNNING) {
                    expect(new ServiceStopped(name, c.name));
                }
                children.remove(c.name);
                staleRefs.add(c.ref);
            }
        }

        private void stop() throws InterruptedException {
            StopReport again;
            if (phase == SupervisorState.TERMINATED) {
                again = sup.stop();
                assertThat(again).as("a second stop() returns the same report").isEqualTo(report);
                return;
            }
            boolean ran = phase != SupervisorState.NEW;
            report = sup.stop();
            assertThat(report.clean()).as("puppets end when stopped: %s", report).isTrue();
            List<MChild> reverse = new ArrayList<>(children.values());
            java.util.Collections.reverse(reverse);
            for (MChild c : reverse) {
                if (c.state == CState.RUNNING) {
                    expect(new ServiceStopped(name, c.name));
                }
            }
            if (ran) {
                expect(new SupervisorTerminated(name, null));
            }
            children.values().removeIf(c -> {
                c.state = CState.WAITING;
                boolean gone = ran && c.restart == Restart.TEMPORARY;   // a run's end drops TEMPORARY children
                if (gone) {
                    staleRefs.add(c.ref);
                }
                return gone;
            });
            phase = SupervisorState.TERMINATED;
            inBackoff = false;
            assertThat(sup.terminationCause()).isEmpty();
        }

        // ------------------------------------------------------------ bad calls

        private void badCall() throws InterruptedException {
            ServiceRef ownRef = children.isEmpty() ? null : children.values().iterator().next().ref;
            Service noop = ctx -> { };
            int which = r.nextInt(24);
            if (ownRef == null && (which == 7 || which == 8)) {
                which = 0;
            }
            switch (which) {
                case 0 -> rejected(NullPointerException.class, () -> sup.add(null), "spec");
                case 1 -> rejected(NullPointerException.class, () -> sup.add(null, noop), "name");
                case 2 -> rejected(IllegalArgumentException.class, () -> sup.add("  ", noop), "blank");
                case 3 -> rejected(NullPointerException.class, () -> sup.add("z", null), "service", "\"z\"");
                case 4 -> rejected(NullPointerException.class, () -> sup.remove(null), "ref");
                case 5 -> rejected(IllegalArgumentException.class, () -> sup.remove(foreignRef), name, "foreign" + seed);
                case 6 -> rejected(IllegalArgumentException.class, () -> sup.remove(() -> "homemade"), name);
                case 7 -> rejected(NullPointerException.class, () -> sup.removeAndWait(ownRef, null), "timeout");
                case 8 -> rejected(IllegalArgumentException.class, () -> sup.removeAndWait(ownRef, Duration.ofSeconds(-1)),
                        "timeout", "PT-1S");
                case 9 -> rejected(IllegalArgumentException.class, () -> sup.awaitTermination(Duration.ofMillis(-5)),
                        "timeout", "PT-0.005S");
                case 10 -> rejected(IllegalArgumentException.class, () -> sup.add("self", sup), name);
                case 11 -> rejected(IllegalArgumentException.class,
                        () -> Supervisor.builder("b").failureThreshold(-1), "failureThreshold", "-1.0");
                case 12 -> rejected(IllegalArgumentException.class,
                        () -> Supervisor.builder("b").failureThreshold(Double.NaN), "failureThreshold", "NaN");
                case 13 -> rejected(IllegalArgumentException.class,
                        () -> Supervisor.builder("b").failureDecay(Duration.ofSeconds(-3)), "failureDecay", "PT-3S");
                case 14 -> rejected(IllegalArgumentException.class,
                        () -> Supervisor.builder("b").failureBackoff(Duration.ofMillis(-1)), "failureBackoff", "PT-0.001S");
                case 15 -> rejected(IllegalArgumentException.class,
                        () -> Supervisor.builder("b").shutdownTimeout(Duration.ofNanos(-1)), "shutdownTimeout", "PT-0.000000001S");
                case 16 -> rejected(NullPointerException.class, () -> Supervisor.builder("b").failureDecay(null), "failureDecay");
                case 17 -> rejected(NullPointerException.class, () -> Supervisor.builder("b").clock(null), "clock");
                case 18 -> rejected(NullPointerException.class, () -> Supervisor.builder(null), "name");
                case 19 -> rejected(IllegalArgumentException.class, () -> Supervisor.builder(" \t"), "blank");
                case 20 -> rejected(IllegalArgumentException.class,
                        () -> ChildSpec.of("w", noop).withShutdownTimeout(Duration.ofSeconds(-2)), "shutdownTimeout", "PT-2S", "\"w\"");
                case 21 -> rejected(NullPointerException.class, () -> ChildSpec.of("w", noop).withRestart(null), "restart", "\"w\"");
                case 22 -> rejected(IllegalArgumentException.class, () -> Jitter.uniform(-0.5), "maxFraction", "-0.5");
                default -> {
                    Supervisor owned = Supervisor.create("owned" + seed + "_" + calls);
                    foreign.add("owned" + calls, owned);   // foreign is NEW: owned becomes its child
                    rejected(IllegalStateException.class, () -> sup.add("o" + calls, owned), owned.name(), "foreign" + seed);
                }
            }
        }

        /** The call must throw {@code type} with a message containing every one of {@code named}. */
        private void rejected(Class<? extends RuntimeException> type, ThrowingCall call, String... named) {
            REJECTED.incrementAndGet();
            try {
                call.run();
            } catch (RuntimeException e) {
                assertThat(e).as("rejection type").isInstanceOf(type);
                for (String n : named) {
                    assertThat(e.getMessage()).as("the message of %s names %s", e, n).contains(n);
                }
                return;
            } catch (Exception e) {
                throw new AssertionError("expected " + type.getSimpleName() + " but got " + e, e);
            }
            throw new AssertionError("expected " + type.getSimpleName() + " naming " + List.of(named) + "; nothing thrown");
        }

        @FunctionalInterface
        private interface ThrowingCall {
            void run() throws Exception;
        }

        // ------------------------------------------------------------ checks

        private void expect(SupervisorEvent expected) {
            EVENTS.incrementAndGet();
            SupervisorEvent actual = log.next(expected.getClass());
            assertThat(actual).isEqualTo(expected);
        }

        private void checkSnapshot() {
            assertThat(sup.state()).as("state()").isEqualTo(phase);
            List<ChildInfo> infos = sup.children();
            assertThat(infos).extracting(ChildInfo::name).as("children() in add order").containsExactlyElementsOf(children.keySet());
            for (ChildInfo info : infos) {
                MChild c = children.get(info.name());
                assertThat(info.ref()).isSameAs(c.ref);
                ChildState expected = switch (c.state) {
                    case WAITING -> ChildState.WAITING;
                    case RUNNING -> ChildState.RUNNING;
                    case BACKOFF -> ChildState.BACKOFF;
                };
                assertThat(info.state()).as("state of %s", info.name()).isEqualTo(expected);
                assertThat(info.restarts()).as("restarts of %s", info.name()).isEqualTo(c.restarts);
                if (c.lastFailure != null) {
                    assertThat(info.lastFailure()).as("lastFailure of %s", info.name()).containsSame(c.lastFailure);
                }
            }
        }
    }

    private static org.assertj.core.data.Offset<Double> within(double expected) {
        return org.assertj.core.data.Offset.offset(1e-9 * Math.max(1.0, Math.abs(expected)));
    }

    private static boolean close(double a, double b) {
        return Math.abs(a - b) <= 1e-9 * Math.max(1.0, Math.abs(b));
    }

    private static long seconds(double s) {
        return (long) (s * 1_000_000_000L);
    }
}
