package dev.arbor.examples;

import dev.arbor.Service;
import dev.arbor.ServiceContext;
import dev.arbor.examples.broker.Broker;
import dev.arbor.examples.broker.ConsumerSession;
import dev.arbor.examples.broker.Message;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;

/**
 * A supervised queue consumer: takes one message at a time, parses it into an {@link Order},
 * processes it once per message id, and acknowledges it.
 *
 * <p>It does not catch what goes wrong. A malformed message throws out of {@link #serve}, the run
 * ends, its {@link ConsumerSession} closes in the {@code finally} and hands the message back to
 * the broker, and Arbor starts a fresh run. That is the whole error handling: the broker's
 * redelivery and dead-letter queue and the supervisor's backoff do the rest. Each run opens its
 * own session, so nothing a crashed run held survives into the next. The worker knows only the
 * {@link Broker} interface: the same code consumes from Artemis or RabbitMQ.
 *
 * <p>Thread-safe: one instance serves every run of its child, one run at a time.
 */
public final class OrderWorker implements Service {
    /** How long a poll waits before checking for a stop; a stop also interrupts it at once. */
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(100);

    private final Broker broker;
    private final OrderParser parser;
    private final ProcessedLedger ledger;
    private final Duration workTime;
    private final Predicate<Message> crashBeforeAck;
    private final LongAdder crashedRuns;

    /**
     * @param broker         where messages come from
     * @param parser         turns bodies into orders, or throws
     * @param ledger         what was processed, for idempotency
     * @param workTime       how long processing an order takes (simulated); zero for none
     * @param crashBeforeAck which deliveries crash after processing and before the ack (fault injection)
     * @param crashedRuns    incremented by every run that lets an exception escape, just before it
     *                       ends; shared by all workers, so that the demo can tell when Arbor has
     *                       reported every crash
     * @throws NullPointerException     if any argument is null
     * @throws IllegalArgumentException if workTime is negative
     */
    public OrderWorker(Broker broker, OrderParser parser, ProcessedLedger ledger, Duration workTime,
                       Predicate<Message> crashBeforeAck, LongAdder crashedRuns) {
        this.broker = Objects.requireNonNull(broker, "broker must not be null");
        this.parser = Objects.requireNonNull(parser, "parser must not be null");
        this.ledger = Objects.requireNonNull(ledger, "ledger must not be null");
        this.workTime = Objects.requireNonNull(workTime, "workTime must not be null");
        if (workTime.isNegative()) {
            throw new IllegalArgumentException("workTime must be >= 0, was " + workTime);
        }
        this.crashBeforeAck = Objects.requireNonNull(crashBeforeAck, "crashBeforeAck must not be null");
        this.crashedRuns = Objects.requireNonNull(crashedRuns, "crashedRuns must not be null");
    }

    @Override
    public void serve(ServiceContext ctx) throws Exception {
        ConsumerSession session = broker.openConsumer(ctx.name());
        ctx.ready();                    // connected: the first start of the tree may go on to the producer
        try {
            while (!ctx.isStopping()) {
                Optional<Message> next = session.poll(POLL_TIMEOUT);
                if (next.isPresent()) {
                    handle(session, next.get());
                }
            }
        } catch (Throwable t) {
            session.recordFailure(t);   // so that a dead letter says why its last delivery failed
            if (!ctx.isStopping()) {    // after a stop request, Arbor counts the end as a stop, not a crash
                crashedRuns.increment();
            }
            throw t;
        } finally {
            session.close();            // hands back whatever this run did not acknowledge
        }
    }

    private void handle(ConsumerSession session, Message message) throws InterruptedException {
        Order order = parser.parse(message);   // MalformedMessageException: let it crash
        if (!ledger.contains(message.id())) {
            process(order);
        }
        ledger.record(message.id(), order);    // for a redelivery of a processed message, only counts it
        if (crashBeforeAck.test(message)) {
            throw new SimulatedCrashException(message.id());
        }
        session.ack(message);
    }

    private void process(Order order) throws InterruptedException {
        // Stands in for real work (a database write, a call to a payment service).
        if (!workTime.isZero()) {
            Thread.sleep(workTime);
        }
    }
}
