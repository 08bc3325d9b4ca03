package dev.arbor.examples;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Every message the demo will publish, decided up front from a seed, so that a run is
 * reproducible and its outcome can be checked against what was sent: each valid message must end
 * up processed exactly once, each malformed or poison one dead-lettered.
 *
 * <p>Layout: the regular messages (valid with a {@code malformedShare} of malformed ones spread
 * among them) are published at a steady rate; halfway through, {@code burst} poison messages
 * arrive at once. Message ids run from 1 to {@link #size()} in publishing order. Immutable.
 */
public final class MessagePlan {
    /** What a planned message is. */
    public enum Kind {
        /** A well-formed order. */
        VALID,
        /** Broken JSON or an invalid order, scattered among the regular messages. */
        MALFORMED,
        /** An order in a schema the workers do not know, published in the mid-run burst. */
        POISON
    }

    /**
     * One message to publish.
     *
     * @param id             its id, 1-based, in publishing order
     * @param kind           what it is
     * @param body           the JSON (or not quite JSON) to send
     * @param crashBeforeAck for a valid message: its first delivery crashes the worker after the
     *                       order was processed and before the ack, so it is redelivered and
     *                       must not be processed twice
     * @param totalCents     for a valid message, its order total; otherwise 0
     */
    public record Planned(long id, Kind kind, String body, boolean crashBeforeAck, long totalCents) {}

    private static final String[] SKUS = {"TEA-GREEN", "TEA-BLACK", "MUG-12OZ", "KETTLE-1L", "FILTER-100"};
    private static final long[] PRICES = {650, 590, 1200, 3450, 399};

    private final List<Planned> messages;
    private final int[] counts = new int[Kind.values().length];
    private final int crashBeforeAck;
    private final long expectedTotalCents;

    private MessagePlan(List<Planned> messages) {
        this.messages = List.copyOf(messages);
        int crashes = 0;
        long total = 0;
        for (Planned p : this.messages) {
            counts[p.kind().ordinal()]++;
            crashes += p.crashBeforeAck() ? 1 : 0;
            total += p.totalCents();
        }
        this.crashBeforeAck = crashes;
        this.expectedTotalCents = total;
    }

    /**
     * Plans {@code messages} messages.
     *
     * @param messages            how many in all, burst included; at least 1
     * @param malformedShare      share of the regular messages that are malformed, in [0, 1]
     * @param burst               how many poison messages arrive at once halfway; in [0, messages]
     * @param crashBeforeAckShare share of the valid messages whose first delivery crashes after
     *                            processing, in [0, 1]
     * @param seed                seeds every random choice
     * @throws IllegalArgumentException if a number is out of range
     */
    public static MessagePlan generate(int messages, double malformedShare, int burst, double crashBeforeAckShare,
                                       long seed) {
        if (messages < 1) {
            throw new IllegalArgumentException("messages must be >= 1, was " + messages);
        }
        checkShare("malformedShare", malformedShare);
        checkShare("crashBeforeAckShare", crashBeforeAckShare);
        if (burst < 0 || burst > messages) {
            throw new IllegalArgumentException("burst must be in 0.." + messages + ", was " + burst);
        }
        Random random = new Random(seed);
        int regular = messages - burst;
        BitSet malformed = pick(regular, (int) Math.round(malformedShare * regular), random);
        int valid = regular - malformed.cardinality();
        BitSet crashing = pick(valid, (int) Math.round(crashBeforeAckShare * valid), random);

        List<Planned> plan = new ArrayList<>(messages);
        int burstAfter = regular / 2;   // the burst lands halfway through the regular messages
        int validIndex = 0;
        for (int r = 0; r < regular; r++) {
            if (r == burstAfter) {
                addBurst(plan, burst, random);
            }
            long id = plan.size() + 1;
            if (malformed.get(r)) {
                plan.add(new Planned(id, Kind.MALFORMED, malformedBody(random), false, 0));
            } else {
                int sku = random.nextInt(SKUS.length);
                int quantity = 1 + random.nextInt(5);
                String body = "{\"customer\":\"c-%03d\",\"sku\":\"%s\",\"quantity\":%d,\"unitPriceCents\":%d}"
                        .formatted(1 + random.nextInt(200), SKUS[sku], quantity, PRICES[sku]);
                plan.add(new Planned(id, Kind.VALID, body, crashing.get(validIndex++), quantity * PRICES[sku]));
            }
        }
        if (regular == 0) {   // only poison: the burst is the whole plan
            addBurst(plan, burst, random);
        }
        return new MessagePlan(plan);
    }

    /** How many messages in all. */
    public int size() {
        return messages.size();
    }

    /** Every message, in publishing order. */
    public List<Planned> messages() {
        return messages;
    }

    /**
     * The message with this id.
     *
     * @throws IllegalArgumentException if there is none
     */
    public Planned get(long id) {
        if (id < 1 || id > messages.size()) {
            throw new IllegalArgumentException("no message " + id + " in a plan of " + messages.size());
        }
        return messages.get((int) (id - 1));
    }

    /**
     * How many messages of a kind.
     *
     * @throws NullPointerException if kind is null
     */
    public int count(Kind kind) {
        return counts[kind.ordinal()];
    }

    /** How many messages should end up dead-lettered: the malformed and the poison ones. */
    public int expectedDeadLetters() {
        return count(Kind.MALFORMED) + count(Kind.POISON);
    }

    /** How many valid messages crash their first delivery after processing. */
    public int crashBeforeAckCount() {
        return crashBeforeAck;
    }

    /** The sum of every valid order's total: what processing each exactly once adds up to. */
    public long expectedTotalCents() {
        return expectedTotalCents;
    }

    /** The id of the first poison message, or 0 if there is no burst. */
    public long burstStartId() {
        return messages.stream().filter(p -> p.kind() == Kind.POISON).mapToLong(Planned::id).findFirst().orElse(0);
    }

    private static void addBurst(List<Planned> plan, int burst, Random random) {
        for (int i = 0; i < burst; i++) {
            // A producer deployed with a new schema: valid JSON, but not an order the workers know.
            String body = "{\"schema\":2,\"order\":{\"customer\":\"c-%03d\",\"lines\":[{\"sku\":\"%s\",\"qty\":%d}]}}"
                    .formatted(1 + random.nextInt(200), SKUS[random.nextInt(SKUS.length)], 1 + random.nextInt(5));
            plan.add(new Planned(plan.size() + 1, Kind.POISON, body, false, 0));
        }
    }

    private static String malformedBody(Random random) {
        return switch (random.nextInt(6)) {
            case 0 -> "{\"customer\":\"c-017\",\"sku\":\"TEA-GR";                                    // truncated
            case 1 -> "{\"customer\":\"c-017\",\"sku\":\"MUG-12OZ\",\"quantity\":\"lots\",\"unitPriceCents\":1200}";
            case 2 -> "{\"customer\":\"c-017\",\"quantity\":2,\"unitPriceCents\":650}";              // no sku
            case 3 -> "<order customer=\"c-017\" sku=\"TEA-GREEN\" quantity=\"2\"/>";                 // not JSON
            case 4 -> "{\"customer\":\"c-017\",\"sku\":\"KETTLE-1L\",\"quantity\":0,\"unitPriceCents\":3450}";
            default -> "";
        };
    }

    /** {@code count} distinct indices in [0, n), chosen with {@code random}. */
    private static BitSet pick(int n, int count, Random random) {
        List<Integer> indices = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            indices.add(i);
        }
        Collections.shuffle(indices, random);
        BitSet picked = new BitSet(n);
        for (int i = 0; i < Math.min(count, n); i++) {
            picked.set(indices.get(i));
        }
        return picked;
    }

    private static void checkShare(String name, double share) {
        if (!(share >= 0 && share <= 1)) {
            throw new IllegalArgumentException(name + " must be in [0, 1], was " + share);
        }
    }
}
