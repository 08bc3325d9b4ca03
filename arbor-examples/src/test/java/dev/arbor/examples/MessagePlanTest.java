package dev.arbor.examples;

import dev.arbor.examples.MessagePlan.Kind;
import dev.arbor.examples.MessagePlan.Planned;
import dev.arbor.examples.broker.Message;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The plan: exact counts, the burst in the middle, reproducible from the seed, and honest kinds. */
class MessagePlanTest {
    private final OrderParser parser = new OrderParser();

    @Test
    void hasExactlyTheRequestedMix() {
        MessagePlan plan = MessagePlan.generate(1000, 0.05, 40, 0.1, 7);

        assertThat(plan.size()).isEqualTo(1000);
        assertThat(plan.count(Kind.POISON)).isEqualTo(40);
        assertThat(plan.count(Kind.MALFORMED)).isEqualTo(48);            // 5% of the 960 regular ones
        assertThat(plan.count(Kind.VALID)).isEqualTo(912);
        assertThat(plan.crashBeforeAckCount()).isEqualTo(91);            // 10% of the valid ones, rounded
        assertThat(plan.expectedDeadLetters()).isEqualTo(88);
        assertThat(plan.messages()).extracting(Planned::id)
                .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, 1000).boxed().toList());
        assertThat(plan.messages()).filteredOn(Planned::crashBeforeAck).allMatch(p -> p.kind() == Kind.VALID);
    }

    @Test
    void theBurstArrivesInOneBlockHalfwayThroughTheRegularMessages() {
        MessagePlan plan = MessagePlan.generate(1000, 0.05, 40, 0, 7);
        List<Planned> poison = plan.messages().stream().filter(p -> p.kind() == Kind.POISON).toList();

        assertThat(plan.burstStartId()).isEqualTo(481);                  // after 480 of the 960 regular ones
        assertThat(poison).extracting(Planned::id).containsExactlyElementsOf(
                java.util.stream.LongStream.rangeClosed(481, 520).boxed().toList());
        assertThat(MessagePlan.generate(10, 0, 0, 0, 1).burstStartId()).isZero();
        assertThat(MessagePlan.generate(5, 0, 5, 0, 1).count(Kind.POISON)).as("all poison").isEqualTo(5);
    }

    @Test
    void theSameSeedGivesTheSamePlan() {
        assertThat(MessagePlan.generate(500, 0.1, 20, 0.1, 3).messages())
                .isEqualTo(MessagePlan.generate(500, 0.1, 20, 0.1, 3).messages());
        assertThat(MessagePlan.generate(500, 0.1, 20, 0.1, 3).messages())
                .isNotEqualTo(MessagePlan.generate(500, 0.1, 20, 0.1, 4).messages());
    }

    @Test
    void validMessagesParseToTheirPlannedTotalAndTheOthersDoNot() {
        MessagePlan plan = MessagePlan.generate(2000, 0.2, 40, 0, 11);
        long total = 0;
        for (Planned p : plan.messages()) {
            Message message = new Message(p.id(), p.body(), 1);
            if (p.kind() == Kind.VALID) {
                Order order = parser.parse(message);
                assertThat(order.totalCents()).isEqualTo(p.totalCents());
                total += order.totalCents();
            } else {
                assertThatThrownBy(() -> parser.parse(message)).isInstanceOf(MalformedMessageException.class);
            }
        }
        assertThat(plan.expectedTotalCents()).isEqualTo(total);
    }

    @Test
    void argumentsAreValidated() {
        assertThatThrownBy(() -> MessagePlan.generate(0, 0, 0, 0, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("messages must be >= 1, was 0");
        assertThatThrownBy(() -> MessagePlan.generate(10, 1.5, 0, 0, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("malformedShare must be in [0, 1], was 1.5");
        assertThatThrownBy(() -> MessagePlan.generate(10, Double.NaN, 0, 0, 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MessagePlan.generate(10, 0, 11, 0, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("burst must be in 0..10, was 11");
        assertThatThrownBy(() -> MessagePlan.generate(10, 0, 0, -0.1, 1)).isInstanceOf(IllegalArgumentException.class);
        MessagePlan plan = MessagePlan.generate(10, 0, 0, 0, 1);
        assertThatThrownBy(() -> plan.get(11)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("no message 11 in a plan of 10");
        assertThatCode(() -> plan.get(10)).doesNotThrowAnyException();
    }
}
