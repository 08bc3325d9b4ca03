package dev.arbor.examples.broker;

import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import jakarta.jms.JMSProducer;
import jakarta.jms.JMSRuntimeException;
import jakarta.jms.Queue;
import jakarta.jms.QueueBrowser;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.JournalType;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An Apache ActiveMQ Artemis broker embedded in this JVM, with a persistent journal, reached over
 * JMS 3 (Jakarta) through its in-VM connector.
 *
 * <ul>
 *   <li>Queue {@value #QUEUE} on the address of the same name; its address settings give the
 *       broker's redelivery: a message handed back unacknowledged is delivered again at once, at
 *       the head of the queue, and after {@code maxDeliveries} deliveries the broker moves it to
 *       the dead-letter address {@value #DEAD_LETTER_ADDRESS}, queue {@value #DEAD_LETTER_QUEUE}.</li>
 *   <li>Messages are persistent, and the journal (under the given directory) syncs every send
 *       before the send returns: a message published is not lost when the JVM is killed. A
 *       consumer's commit (its acknowledgement) is not waited for: a kill can lose the last
 *       acknowledgements, and the broker then delivers those messages again, which the consumers'
 *       idempotence by id absorbs. That keeps a disk sync off every message's path.</li>
 *   <li>No duplicate detection: Artemis stores a message with a duplicate-detection id in an
 *       internal transaction, which the unsynced transactional journal would let a kill lose after
 *       the send returned. A producer that publishes its last message again after a crash enqueues
 *       it twice, and the consumers' idempotence by id absorbs the copy.</li>
 *   <li>Consumers have no prefetch ({@code consumerWindowSize=0}), and each session is
 *       transacted: an acknowledgement is a commit, and a session that hands its message back rolls
 *       back, which the broker counts as a delivery (a session closed without a rollback would hand
 *       it back as never delivered). A JVM that dies drops its connection, which counts too.</li>
 * </ul>
 *
 * Thread-safe.
 */
public final class ArtemisBroker implements Broker {
    /** The work queue. */
    public static final String QUEUE = "orders";
    /** Where the broker moves a message after its last delivery. */
    public static final String DEAD_LETTER_ADDRESS = "orders.DLQ";
    /** The queue on the dead-letter address (of the same name, as JMS addresses a queue). */
    public static final String DEAD_LETTER_QUEUE = DEAD_LETTER_ADDRESS;
    /** The message property that carries the producer's id. */
    static final String ID_PROPERTY = "orderId";

    private static final AtomicLong INSTANCES = new AtomicLong();
    private static final int JOURNAL_BUFFER_TIMEOUT_NANOS = 100_000;

    private final EmbeddedActiveMQ embedded;
    private final ActiveMQConnectionFactory factory;
    private final int maxDeliveries;
    private final Path dataDir;
    private final Map<Long, DeliveryFailure> failures = new ConcurrentHashMap<>();
    private final AtomicInteger leasedInProcess = new AtomicInteger();
    private final AtomicBoolean closed = new AtomicBoolean();

    private ArtemisBroker(EmbeddedActiveMQ embedded, String url, int maxDeliveries, Path dataDir) {
        this.embedded = embedded;
        this.factory = new ActiveMQConnectionFactory(url);
        this.maxDeliveries = maxDeliveries;
        this.dataDir = dataDir;
    }

    /**
     * Starts an embedded broker whose journal lives in {@code dataDir}.
     *
     * @param dataDir       the journal's directory, created if missing
     * @param maxDeliveries deliveries before a message is dead-lettered, at least 1
     * @param keepJournal   true to carry on with the messages a previous broker left in the
     *                      journal (after a crash); false to start empty (the directory is wiped)
     * @throws NullPointerException     if dataDir is null
     * @throws IllegalArgumentException if maxDeliveries is less than 1
     * @throws BrokerException          if the broker does not start
     */
    public static ArtemisBroker start(Path dataDir, int maxDeliveries, boolean keepJournal) {
        Objects.requireNonNull(dataDir, "dataDir must not be null");
        if (maxDeliveries < 1) {
            throw new IllegalArgumentException("maxDeliveries must be >= 1, was " + maxDeliveries);
        }
        Path dir = dataDir.toAbsolutePath().normalize();
        try {
            if (!keepJournal) {
                deleteRecursively(dir);
            }
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the journal directory " + dir, e);
        }
        // Each broker in a JVM gets its own in-VM server id, so that tests can run several.
        long serverId = INSTANCES.incrementAndGet();
        EmbeddedActiveMQ embedded = new EmbeddedActiveMQ().setConfiguration(configuration(dir, maxDeliveries, serverId));
        try {
            embedded.start();
        } catch (Exception e) {
            throw new BrokerException("the embedded Artemis broker did not start (journal " + dir + ")", e);
        }
        return new ArtemisBroker(embedded, "vm://" + serverId + "?consumerWindowSize=0", maxDeliveries, dir);
    }

    private static Configuration configuration(Path dir, int maxDeliveries, long serverId) {
        try {
            return new ConfigurationImpl()
                    .setName("arbor-demo")
                    .setPersistenceEnabled(true)
                    .setSecurityEnabled(false)
                    .setJMXManagementEnabled(false)
                    // NIO, not libaio: no native library, the same on every machine.
                    .setJournalType(JournalType.NIO)
                    .setJournalSyncNonTransactional(true)   // sends: durable before publish returns
                    .setJournalSyncTransactional(false)     // acks: a lost one is a redelivery
                    // The journal batches syncs, waiting up to this long for more writes (3.3 ms by
                    // default for NIO): a single producer's synced sends would be capped at ~300/s.
                    .setJournalBufferTimeout_NIO(JOURNAL_BUFFER_TIMEOUT_NANOS)
                    .setJournalDirectory(dir.resolve("journal").toString())
                    .setBindingsDirectory(dir.resolve("bindings").toString())
                    .setPagingDirectory(dir.resolve("paging").toString())
                    .setLargeMessagesDirectory(dir.resolve("large-messages").toString())
                    .setNodeManagerLockDirectory(dir.toString())
                    // A demo writes a few MB: don't refuse to run on a fullish disk.
                    .setMaxDiskUsage(100)
                    .addAcceptorConfiguration("in-vm", "vm://" + serverId)
                    .addAddressSetting("#", new AddressSettings()
                            .setDeadLetterAddress(SimpleString.of(DEAD_LETTER_ADDRESS))
                            // No message has a time-to-live; naming an expiry address only keeps
                            // the broker from warning that there is none.
                            .setExpiryAddress(SimpleString.of(DEAD_LETTER_ADDRESS))
                            .setMaxDeliveryAttempts(maxDeliveries)
                            .setRedeliveryDelay(0)
                            .setAutoCreateQueues(false)
                            .setAutoCreateAddresses(false))
                    .addQueueConfiguration(QueueConfiguration.of(QUEUE).setAddress(QUEUE)
                            .setRoutingType(RoutingType.ANYCAST).setDurable(true))
                    .addQueueConfiguration(QueueConfiguration.of(DEAD_LETTER_QUEUE).setAddress(DEAD_LETTER_ADDRESS)
                            .setRoutingType(RoutingType.ANYCAST).setDurable(true));
        } catch (Exception e) {
            throw new BrokerException("invalid Artemis configuration", e);
        }
    }

    @Override
    public String description() {
        return "Apache ActiveMQ Artemis " + embedded.getActiveMQServer().getVersion().getFullVersion()
                + " (embedded; journal in " + dataDir + ")";
    }

    @Override
    public int maxDeliveries() {
        return maxDeliveries;
    }

    /** The journal's directory. */
    public Path dataDir() {
        return dataDir;
    }

    @Override
    public Publisher openPublisher() {
        JMSContext context = context(JMSContext.AUTO_ACKNOWLEDGE);
        return new ArtemisPublisher(context);
    }

    @Override
    public ConsumerSession openConsumer(String consumer) {
        return session(consumer, QUEUE);
    }

    @Override
    public ConsumerSession openDeadLetterConsumer(String consumer) {
        return session(consumer, DEAD_LETTER_QUEUE);
    }

    private ConsumerSession session(String consumer, String queue) {
        LeasingSession.requireName(consumer);
        JMSContext context = context(JMSContext.SESSION_TRANSACTED);
        try {
            return new ArtemisSession(consumer, context, context.createConsumer(context.createQueue(queue)));
        } catch (RuntimeException e) {
            context.close();
            throw new BrokerException("cannot consume from " + queue, e);
        }
    }

    private JMSContext context(int sessionMode) {
        try {
            return factory.createContext(sessionMode);
        } catch (JMSRuntimeException e) {
            throw new BrokerException("cannot connect to the embedded Artemis broker", e);
        }
    }

    @Override
    public long pending() {
        ActiveMQServer server = embedded.getActiveMQServer();
        long count = 0;
        for (String name : new String[] {QUEUE, DEAD_LETTER_QUEUE}) {
            org.apache.activemq.artemis.core.server.Queue queue = server.locateQueue(SimpleString.of(name));
            if (queue == null) {
                throw new BrokerException("queue " + name + " is missing", null);
            }
            count += queue.getMessageCount();   // ready, scheduled and being delivered
        }
        return count;
    }

    @Override
    public Set<Long> pendingIds() {
        Set<Long> ids = new HashSet<>();
        try (JMSContext context = context(JMSContext.AUTO_ACKNOWLEDGE)) {
            for (String name : new String[] {QUEUE, DEAD_LETTER_QUEUE}) {
                try (QueueBrowser browser = context.createBrowser(context.createQueue(name))) {
                    for (Enumeration<?> e = browser.getEnumeration(); e.hasMoreElements(); ) {
                        ids.add(((jakarta.jms.Message) e.nextElement()).getLongProperty(ID_PROPERTY));
                    }
                }
            }
        } catch (JMSException | JMSRuntimeException e) {
            throw new BrokerException("cannot browse the queues", e);
        }
        return Collections.unmodifiableSet(ids);
    }

    @Override
    public Optional<DeliveryFailure> lastFailure(long messageId) {
        return Optional.ofNullable(failures.get(messageId));
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        factory.close();
        try {
            embedded.stop();
        } catch (Exception e) {
            // Stopping is best effort: the journal is consistent after every synced write anyway.
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** A JMS context with its producer; one thread at a time, as JMS requires. */
    private static final class ArtemisPublisher implements Publisher {
        private final JMSContext context;
        private final JMSProducer producer;
        private final Queue queue;

        ArtemisPublisher(JMSContext context) {
            this.context = context;
            this.producer = context.createProducer().setDeliveryMode(jakarta.jms.DeliveryMode.PERSISTENT);
            this.queue = context.createQueue(QUEUE);
        }

        @Override
        public void publish(long id, String body) {
            if (id <= 0) {
                throw new IllegalArgumentException("message id must be > 0, was " + id);
            }
            Objects.requireNonNull(body, "body must not be null (message " + id + ")");
            try {
                TextMessage message = context.createTextMessage(body);
                message.setLongProperty(ID_PROPERTY, id);
                producer.send(queue, message);
            } catch (JMSException | JMSRuntimeException e) {
                throw new BrokerException("the broker did not take message " + id, e);
            }
        }

        @Override
        public void close() {
            closeContext(context);
        }
    }

    private final class ArtemisSession extends LeasingSession<jakarta.jms.Message> {
        private final JMSContext context;
        private final JMSConsumer consumer;

        ArtemisSession(String name, JMSContext context, JMSConsumer consumer) {
            super(name, failures, leasedInProcess);
            this.context = context;
            this.consumer = consumer;
        }

        @Override
        Optional<Received<jakarta.jms.Message>> receive(long millis) throws InterruptedException {
            jakarta.jms.Message m;
            try {
                m = consumer.receive(millis);
            } catch (JMSRuntimeException e) {
                if (Thread.currentThread().isInterrupted() || e.getCause() instanceof InterruptedException) {
                    throw new InterruptedException("interrupted while receiving");
                }
                throw new BrokerException("receive failed", e);
            }
            if (m == null) {
                return Optional.empty();
            }
            try {
                long id = m.getLongProperty(ID_PROPERTY);
                String body = m.getBody(String.class);
                int deliveries = m.getIntProperty("JMSXDeliveryCount");
                return Optional.of(new Received<>(new Message(id, body, deliveries), m));
            } catch (JMSException e) {
                throw new BrokerException("unreadable message", e);
            }
        }

        @Override
        void acknowledge(jakarta.jms.Message handle) {
            try {
                context.commit();
            } catch (JMSRuntimeException e) {
                throw new BrokerException("commit (the acknowledgement) failed", e);
            }
        }

        @Override
        void handBack(jakarta.jms.Message handle) {
            context.rollback();
        }

        @Override
        void closeQuietly() {
            closeContext(context);
        }
    }

    private static void closeContext(JMSContext context) {
        try {
            context.close();
        } catch (RuntimeException e) {
            // A context that fails to close is a dropped connection: the broker redelivers.
        }
    }
}
