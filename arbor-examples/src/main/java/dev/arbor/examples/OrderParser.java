package dev.arbor.examples;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.arbor.examples.broker.Message;

import java.io.IOException;
import java.util.Objects;

/**
 * Parses message bodies into {@link Order}s with Jackson, strictly: unknown fields, missing
 * fields, nulls, wrong types and trailing garbage are all malformed. Thread-safe (an
 * {@link ObjectReader} is immutable), so all workers share one.
 */
public final class OrderParser {
    private final ObjectReader reader = new ObjectMapper()
            .readerFor(Order.class)
            .with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES,
                    DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES,
                    DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES,
                    DeserializationFeature.FAIL_ON_NULL_CREATOR_PROPERTIES,
                    DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            // "quantity": 2.5 is a producer bug, not something to round.
            .without(DeserializationFeature.ACCEPT_FLOAT_AS_INT);

    /**
     * The order in the message's body.
     *
     * @throws NullPointerException      if message is null
     * @throws MalformedMessageException if the body is not a valid order
     */
    public Order parse(Message message) {
        Objects.requireNonNull(message, "message must not be null");
        try {
            return reader.readValue(message.body());
        } catch (IOException e) {   // Jackson's parse and mapping errors are IOExceptions
            throw new MalformedMessageException(message.id(), e);
        }
    }
}
