package dev.arbor.examples;

/** Which message broker the demo runs on ({@code --broker}). */
public enum BrokerKind {
    /** Apache ActiveMQ Artemis, embedded in the demo's JVM with its journal under the data directory: nothing to install. */
    ARTEMIS,
    /** A RabbitMQ server on localhost (AMQP 0-9-1, port 5672), which {@code ./demo --broker rabbitmq} installs and runs. */
    RABBITMQ
}
