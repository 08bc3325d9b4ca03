package dev.arbor.examples.broker;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.MessageProperties;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A RabbitMQ server reached over AMQP 0-9-1 with the official Java client.
 *
 * <ul>
 *   <li>Queue {@value #QUEUE} is a durable <b>quorum queue</b>: the one RabbitMQ queue type that
 *       counts deliveries. Its {@code x-delivery-limit} of {@code maxDeliveries - 1} redeliveries
 *       makes the server dead-letter a message after its {@code maxDeliveries}-th unacknowledged
 *       delivery, through the default exchange to the quorum queue {@value #DEAD_LETTER_QUEUE}.</li>
 *   <li>Messages are persistent and published with publisher confirms: {@code publish} returns once
 *       the server has the message.</li>
 *   <li>Sessions pull one message at a time ({@code basic.get}, no prefetch), on a channel of
 *       their own, so that a delivery count is a count of deliveries a worker saw; closing the
 *       channel requeues what it did not acknowledge.</li>
 * </ul>
 *
 * The server is not started here: {@code ./demo --broker rabbitmq} installs and runs one. Thread-safe.
 */
public final class RabbitMqBroker implements Broker {
    /** Where {@code ./demo --broker rabbitmq} runs its server. */
    public static final URI DEFAULT_URI = URI.create("amqp://guest:guest@localhost:5672");
    /** The work queue. */
    public static final String QUEUE = "arbor-demo.orders";
    /** The dead-letter queue. */
    public static final String DEAD_LETTER_QUEUE = "arbor-demo.orders.dlq";
    private static final long POLL_STEP_MILLIS = 5;

    private final Connection connection;
    private final int maxDeliveries;
    private final String version;
    private final Map<Long, DeliveryFailure> failures = new ConcurrentHashMap<>();
    private final AtomicInteger leasedInProcess = new AtomicInteger();
    private final AtomicBoolean closed = new AtomicBoolean();

    private RabbitMqBroker(Connection connection, int maxDeliveries) {
        this.connection = connection;
        this.maxDeliveries = maxDeliveries;
        Object v = connection.getServerProperties().get("version");
        this.version = v == null ? "?" : v.toString();
    }

    /**
     * Connects, and declares both queues afresh (deleting what an earlier run left in them).
     *
     * @throws NullPointerException     if uri is null
     * @throws IllegalArgumentException if maxDeliveries is less than 1
     * @throws BrokerException          if the server cannot be reached or refuses the queues
     */
    public static RabbitMqBroker connect(URI uri, int maxDeliveries) {
        Objects.requireNonNull(uri, "uri must not be null");
        if (maxDeliveries < 1) {
            throw new IllegalArgumentException("maxDeliveries must be >= 1, was " + maxDeliveries);
        }
        Connection connection;
        try {
            ConnectionFactory factory = new ConnectionFactory();
            factory.setUri(uri);
            factory.setConnectionTimeout(5_000);
            connection = factory.newConnection("arbor-demo");
        } catch (Exception e) {
            throw new BrokerException("cannot connect to RabbitMQ at " + uri.getHost() + ":" + uri.getPort()
                    + " (./demo --broker rabbitmq starts one)", e);
        }
        try (Channel channel = connection.createChannel()) {
            channel.queueDelete(QUEUE);
            channel.queueDelete(DEAD_LETTER_QUEUE);
            channel.queueDeclare(DEAD_LETTER_QUEUE, true, false, false, Map.of("x-queue-type", "quorum"));
            channel.queueDeclare(QUEUE, true, false, false, Map.of(
                    "x-queue-type", "quorum",
                    "x-delivery-limit", maxDeliveries - 1,
                    "x-dead-letter-exchange", "",
                    "x-dead-letter-routing-key", DEAD_LETTER_QUEUE));
        } catch (IOException | TimeoutException | RuntimeException e) {
            closeQuietly(connection);
            throw new BrokerException("cannot declare the demo's queues on RabbitMQ", e);
        }
        return new RabbitMqBroker(connection, maxDeliveries);
    }

    @Override
    public String description() {
        return "RabbitMQ " + version + " (" + connection.getAddress().getHostName() + ":" + connection.getPort()
                + ", quorum queues)";
    }

    @Override
    public int maxDeliveries() {
        return maxDeliveries;
    }

    @Override
    public Publisher openPublisher() {
        Channel channel = channel();
        try {
            channel.confirmSelect();
        } catch (IOException e) {
            closeQuietly(channel);
            throw new BrokerException("cannot enable publisher confirms", e);
        }
        return new RabbitPublisher(channel);
    }

    @Override
    public ConsumerSession openConsumer(String consumer) {
        LeasingSession.requireName(consumer);
        return new RabbitSession(consumer, channel(), QUEUE);
    }

    @Override
    public ConsumerSession openDeadLetterConsumer(String consumer) {
        LeasingSession.requireName(consumer);
        return new RabbitSession(consumer, channel(), DEAD_LETTER_QUEUE);
    }

    @Override
    public long pending() {
        try (Channel channel = connection.createChannel()) {
            // The server reports ready messages; the ones a session holds are counted here.
            return channel.queueDeclarePassive(QUEUE).getMessageCount()
                    + channel.queueDeclarePassive(DEAD_LETTER_QUEUE).getMessageCount()
                    + leasedInProcess.get();
        } catch (IOException | TimeoutException e) {
            throw new BrokerException("cannot count the messages on RabbitMQ", e);
        }
    }

    @Override
    public Set<Long> pendingIds() {
        Set<Long> ids = new HashSet<>();
        // AMQP 0-9-1 cannot browse: take every message unacknowledged, then close the channel,
        // which puts them all back.
        try (Channel channel = connection.createChannel()) {
            for (String queue : new String[] {QUEUE, DEAD_LETTER_QUEUE}) {
                for (GetResponse r = channel.basicGet(queue, false); r != null; r = channel.basicGet(queue, false)) {
                    ids.add(Long.parseLong(r.getProps().getMessageId()));
                }
            }
        } catch (IOException | TimeoutException | RuntimeException e) {
            throw new BrokerException("cannot list the messages on RabbitMQ", e);
        }
        return Collections.unmodifiableSet(ids);
    }

    @Override
    public Optional<DeliveryFailure> lastFailure(long messageId) {
        return Optional.ofNullable(failures.get(messageId));
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            closeQuietly(connection);
        }
    }

    private Channel channel() {
        try {
            return connection.createChannel();
        } catch (IOException | RuntimeException e) {
            throw new BrokerException("cannot open a channel to RabbitMQ", e);
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // A channel that fails to close is a dropped one: the server requeues what it held.
        }
    }

    private static final class RabbitPublisher implements Publisher {
        private final Channel channel;

        RabbitPublisher(Channel channel) {
            this.channel = channel;
        }

        @Override
        public void publish(long id, String body) {
            if (id <= 0) {
                throw new IllegalArgumentException("message id must be > 0, was " + id);
            }
            Objects.requireNonNull(body, "body must not be null (message " + id + ")");
            AMQP.BasicProperties props = MessageProperties.PERSISTENT_TEXT_PLAIN.builder()
                    .messageId(Long.toString(id)).build();
            try {
                channel.basicPublish("", QUEUE, props, body.getBytes(StandardCharsets.UTF_8));
                channel.waitForConfirmsOrDie(10_000);
            } catch (IOException | TimeoutException | InterruptedException e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                throw new BrokerException("RabbitMQ did not confirm message " + id, e);
            }
        }

        @Override
        public void close() {
            closeQuietly(channel);
        }
    }

    private final class RabbitSession extends LeasingSession<Long> {
        private final Channel channel;
        private final String queue;

        RabbitSession(String consumer, Channel channel, String queue) {
            super(consumer, failures, leasedInProcess);
            this.channel = channel;
            this.queue = queue;
        }

        @Override
        Optional<Received<Long>> receive(long millis) throws InterruptedException {
            long deadline = System.nanoTime() + millis * 1_000_000;
            while (true) {
                GetResponse r;
                try {
                    r = channel.basicGet(queue, false);
                } catch (IOException | RuntimeException e) {
                    throw new BrokerException("basic.get on " + queue + " failed", e);
                }
                if (r != null) {
                    Object count = r.getProps().getHeaders() == null ? null
                            : r.getProps().getHeaders().get("x-delivery-count");
                    int deliveries = 1 + (count instanceof Number n ? n.intValue() : 0);
                    Message m = new Message(Long.parseLong(r.getProps().getMessageId()),
                            new String(r.getBody(), StandardCharsets.UTF_8), deliveries);
                    return Optional.of(new Received<>(m, r.getEnvelope().getDeliveryTag()));
                }
                if (System.nanoTime() - deadline > 0) {
                    return Optional.empty();
                }
                Thread.sleep(POLL_STEP_MILLIS);   // basic.get does not wait: pull again shortly
            }
        }

        @Override
        void acknowledge(Long deliveryTag) {
            try {
                channel.basicAck(deliveryTag, false);
            } catch (IOException | RuntimeException e) {
                throw new BrokerException("basic.ack failed", e);
            }
        }

        @Override
        void handBack(Long deliveryTag) {
            try {
                channel.basicNack(deliveryTag, false, true);
            } catch (IOException e) {
                throw new BrokerException("basic.nack failed", e);
            }
        }

        @Override
        void closeQuietly() {
            RabbitMqBroker.closeQuietly(channel);
        }
    }
}
