package dev.arbor.examples;

import java.util.Objects;

/**
 * The payload of a valid message: one line of a customer's order. Jackson builds it through the
 * canonical constructor, so the checks below are what makes a well-formed but nonsensical message
 * (a negative quantity, say) malformed.
 *
 * @param customer       who ordered, not blank
 * @param sku            what, not blank
 * @param quantity       how many, 1 to 1000
 * @param unitPriceCents the price of one, in cents, not negative
 */
public record Order(String customer, String sku, int quantity, long unitPriceCents) {
    /** The largest quantity one order line may ask for. */
    public static final int MAX_QUANTITY = 1000;

    /**
     * Validates the fields.
     *
     * @throws NullPointerException     if customer or sku is null
     * @throws IllegalArgumentException if a field is out of range
     */
    public Order {
        Objects.requireNonNull(customer, "customer must not be null");
        Objects.requireNonNull(sku, "sku must not be null");
        if (customer.isBlank() || sku.isBlank()) {
            throw new IllegalArgumentException("customer and sku must not be blank");
        }
        if (quantity < 1 || quantity > MAX_QUANTITY) {
            throw new IllegalArgumentException("quantity must be in 1.." + MAX_QUANTITY + ", was " + quantity);
        }
        if (unitPriceCents < 0) {
            throw new IllegalArgumentException("unitPriceCents must be >= 0, was " + unitPriceCents);
        }
    }

    /** quantity times unit price. */
    public long totalCents() {
        return Math.multiplyExact(quantity, unitPriceCents);
    }
}
