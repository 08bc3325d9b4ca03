package dev.arbor.internal;

import dev.arbor.Service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.ConcurrentModificationException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * ChildTable against a LinkedHashMap model: same membership, same add order, through growth,
 * shrinking, hash collisions and removals that must close probe gaps.
 */
class ChildTableTest {
    private static final Service IDLE = ctx -> { };
    private long seq;

    private Child child(String name) {
        return new Child(null, name, IDLE, seq++);
    }

    @Test
    void keepsNamesUniqueAndAddOrder() {
        ChildTable table = new ChildTable();
        Child a = child("a");
        Child b = child("b");
        assertThat(table.putIfAbsent(a)).isNull();
        assertThat(table.putIfAbsent(b)).isNull();
        assertThat(table.putIfAbsent(child("a"))).isSameAs(a);
        assertThat(table).containsExactly(a, b);
        assertThat(table.size()).isEqualTo(2);
    }

    @Test
    void removesOnlyThatVeryChild() {
        ChildTable table = new ChildTable();
        Child a = child("a");
        table.putIfAbsent(a);
        assertThat(table.remove(child("a"))).isFalse();
        assertThat(table.remove(a)).isTrue();
        assertThat(table.remove(a)).isFalse();
        assertThat(table).isEmpty();
        Child again = child("a");
        assertThat(table.putIfAbsent(again)).isNull();
        assertThat(table).containsExactly(again);
    }

    @Test
    void namesWithEqualHashCodesStayDistinct() {
        // "Aa" and "BB" share a hash code, so every string built from them does too.
        List<String> colliding = new ArrayList<>();
        for (int bits = 0; bits < 64; bits++) {
            StringBuilder name = new StringBuilder();
            for (int k = 0; k < 6; k++) {
                name.append((bits >> k & 1) == 0 ? "Aa" : "BB");
            }
            colliding.add(name.toString());
        }
        assertThat(colliding.stream().map(String::hashCode).distinct()).hasSize(1);
        checkAgainstModel(colliding, new Random(7), 5_000);
    }

    @Test
    void matchesTheModelThroughRandomAddsAndRemovals() {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 3_000; i++) {
            names.add("c" + i);
        }
        checkAgainstModel(names, new Random(42), 100_000);
    }

    @Test
    void growsToManyChildrenAndShrinksBack() {
        ChildTable table = new ChildTable();
        List<Child> all = new ArrayList<>();
        for (int i = 0; i < 100_000; i++) {
            Child c = child("c" + i);
            all.add(c);
            assertThat(table.putIfAbsent(c)).isNull();
        }
        assertThat(table.size()).isEqualTo(100_000);
        assertThat(table.putIfAbsent(child("c99999"))).isSameAs(all.get(99_999));
        table.removeIf(c -> c.seq % 1000 != 0);
        assertThat(table).containsExactlyElementsOf(all.stream().filter(c -> c.seq % 1000 == 0).toList());
        for (Child c : all) {
            if (c.seq % 1000 == 0) {
                assertThat(table.putIfAbsent(child(c.name()))).isSameAs(c);
            }
        }
    }

    @Test
    void iteratorFailsFastWhenTheTableChanges() {
        ChildTable table = new ChildTable();
        table.putIfAbsent(child("a"));
        table.putIfAbsent(child("b"));
        Iterator<Child> it = table.iterator();
        it.next();
        table.putIfAbsent(child("c"));
        assertThatThrownBy(it::next).isInstanceOf(ConcurrentModificationException.class);
    }

    /** Random adds (some of names in use) and removals, checked against the model after each step. */
    private void checkAgainstModel(List<String> names, Random random, int steps) {
        ChildTable table = new ChildTable();
        Map<String, Child> model = new LinkedHashMap<>();
        for (int step = 0; step < steps; step++) {
            String name = names.get(random.nextInt(names.size()));
            boolean add = random.nextInt(3) != 0 || model.isEmpty();
            if (add) {
                Child c = child(name);
                Child existing = table.putIfAbsent(c);
                assertThat(existing).isSameAs(model.get(name));
                model.putIfAbsent(name, c);
            } else {
                Child present = model.remove(name);
                assertThat(table.remove(present != null ? present : child(name))).isEqualTo(present != null);
            }
            assertThat(table.size()).isEqualTo(model.size());
            if (step % 97 == 0) {
                assertThat(table).containsExactlyElementsOf(model.values());
                for (Child c : model.values()) {
                    assertThat(table.putIfAbsent(child(c.name()))).isSameAs(c);
                }
            }
        }
        assertThat(table).containsExactlyElementsOf(model.values());
    }
}
