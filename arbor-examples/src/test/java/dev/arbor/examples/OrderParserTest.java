package dev.arbor.examples;

import dev.arbor.examples.broker.Message;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Strict parsing: what is an order and what is malformed. */
class OrderParserTest {
    private final OrderParser parser = new OrderParser();

    @Test
    void parsesAValidOrder() {
        Order order = parser.parse(new Message(1,
                "{\"customer\":\"c-1\",\"sku\":\"MUG-12OZ\",\"quantity\":3,\"unitPriceCents\":1200}", 1));
        assertThat(order).isEqualTo(new Order("c-1", "MUG-12OZ", 3, 1200));
        assertThat(order.totalCents()).isEqualTo(3600);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "",
            "{\"customer\":\"c-1\",\"sku\":\"MUG",
            "<order/>",
            "{\"customer\":\"c-1\",\"quantity\":3,\"unitPriceCents\":1200}",
            "{\"customer\":\"c-1\",\"sku\":\"MUG-12OZ\",\"quantity\":\"lots\",\"unitPriceCents\":1200}",
            "{\"customer\":\"c-1\",\"sku\":\"MUG-12OZ\",\"quantity\":2.5,\"unitPriceCents\":1200}",
            "{\"customer\":\"c-1\",\"sku\":\"MUG-12OZ\",\"quantity\":0,\"unitPriceCents\":1200}",
            "{\"customer\":null,\"sku\":\"MUG-12OZ\",\"quantity\":1,\"unitPriceCents\":1200}",
            "{\"customer\":\"c-1\",\"sku\":\"MUG-12OZ\",\"quantity\":1,\"unitPriceCents\":1200} trailing",
            "{\"schema\":2,\"order\":{\"customer\":\"c-1\",\"lines\":[]}}",
    })
    void rejectsWhatIsNotAValidOrder(String body) {
        assertThatThrownBy(() -> parser.parse(new Message(42, body, 1)))
                .isInstanceOf(MalformedMessageException.class)
                .hasMessageStartingWith("message 42 is malformed: ")
                .hasCauseInstanceOf(java.io.IOException.class);
    }

    @Test
    void rejectsNull() {
        assertThatThrownBy(() -> parser.parse(null)).isInstanceOf(NullPointerException.class);
    }
}
